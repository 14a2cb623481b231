/**
 * Desktop packages: `npm run dist` (scripts/dist.mjs) builds the bundles, then runs electron-builder for this OS,
 * which finds this file by name. Installers land in release/. Associations come from electron/common/file-types.ts.
 *
 * Signing and notarization read the environment, never this file:
 * - macOS: CSC_LINK / CSC_KEY_PASSWORD (Developer ID certificate), and for notarization either APPLE_API_KEY
 *   (path to the .p8), APPLE_API_KEY_ID and APPLE_API_ISSUER, or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and
 *   APPLE_TEAM_ID. Without them the app is built unsigned and notarization is skipped with a warning.
 * - Windows: WIN_CSC_LINK / WIN_CSC_KEY_PASSWORD (or CSC_LINK / CSC_KEY_PASSWORD).
 */
import type { Configuration } from 'app-builder-lib';
import { associatedFileTypes } from './electron/common/file-types';

const config: Configuration = {
  appId: 'dev.layercanvas.app',
  productName: 'LayerCanvas',
  copyright: 'Copyright © LayerCanvas contributors',
  directories: { output: 'release', buildResources: 'assets' },
  files: [
    'dist/electron/**',
    'dist/engine/**',
    // The engine's WebAssembly kernels: main passes this folder to the utility process (--wasm-dir).
    'dist/wasm/**',
    'dist/renderer/**',
    'package.json',
    '!**/*.map',
    // main, preload, engine and renderer are bundles (esbuild, vite); the packages they came from need not ship.
    '!**/node_modules/**',
  ],
  // The Linux window icon (BrowserWindow's `icon`; Windows and macOS take the executable's).
  extraResources: [{ from: 'assets/icons/512x512.png', to: 'icon.png' }],
  asar: true,
  // Nothing native ships (the bundles are plain JavaScript and WebAssembly), so there is nothing to rebuild.
  npmRebuild: false,
  // One name scheme for every installer: LayerCanvas-0.1.0-mac-arm64.dmg, LayerCanvas-0.1.0-win-x64-setup.exe,
  // LayerCanvas-0.1.0-linux-x86_64.AppImage; the .deb keeps Debian's own layercanvas_0.1.0_amd64.deb.
  artifactName: '${productName}-${version}-${os}-${arch}.${ext}',
  fileAssociations: associatedFileTypes().map((type) => ({
    ext: type.ext,
    name: type.name,
    description: type.name,
    mimeType: type.mimeType,
    icon: type.icon,
    role: type.role,
    rank: type.rank,
  })),
  // Flipped in the Electron binary at packaging (@electron/fuses); test/electron/fuses.test.ts flips them in a
  // stand-in binary through electron-builder's own code and reads them back.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    // The renderer is served from app://, never file://: file pages get no extra powers.
    grantFileProtocolExtraPrivileges: false,
    loadBrowserProcessSpecificV8Snapshot: false,
  },
  mac: {
    target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
    category: 'public.app-category.developer-tools',
    icon: 'assets/icon.icns',
    hardenedRuntime: true,
    // The app and every helper (the engine's utility process is one) get allow-jit and nothing else.
    entitlements: 'assets/entitlements.mac.plist',
    entitlementsInherit: 'assets/entitlements.mac.plist',
    // Checked by notarization instead; spctl fails on an unsigned local build.
    gatekeeperAssess: false,
    // Uses APPLE_API_KEY / APPLE_API_KEY_ID / APPLE_API_ISSUER (or the Apple ID trio) when they are set.
    notarize: true,
  },
  dmg: {
    background: 'assets/background.png',
    window: { width: 540, height: 380 },
    iconSize: 96,
    contents: [
      { x: 140, y: 190, type: 'file' },
      { x: 400, y: 190, type: 'link', path: '/Applications' },
    ],
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'assets/icon.ico',
  },
  nsis: {
    // Per user: installs into %LOCALAPPDATA%\Programs\LayerCanvas without asking for administrator rights.
    oneClick: true,
    perMachine: false,
    runAfterFinish: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'LayerCanvas',
    // Projects, recent files and window state survive an uninstall; they are the user's.
    deleteAppDataOnUninstall: false,
    artifactName: '${productName}-${version}-win-${arch}-setup.${ext}',
  },
  linux: {
    target: [
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ],
    icon: 'assets/icons',
    category: 'Development',
    synopsis: 'Build Keras models by drawing them',
    description:
      'Drag Keras layers onto a canvas, see every tensor shape and parameter count as you edit, train on your own ' +
      'machine, and export Keras Python, Keras JSON, TF.js or weights.',
    maintainer: 'LayerCanvas contributors <maintainers@layercanvas.dev>',
    vendor: 'LayerCanvas contributors',
    // Matches package.json's desktopName, so the running window joins its launcher entry (Wayland app_id).
    syncDesktopName: true,
    desktop: {
      entry: {
        Name: 'LayerCanvas',
        GenericName: 'Neural network editor',
        Comment: 'Build Keras models by drawing them',
        Keywords: 'keras;neural;network;deep learning;tensorflow;model;',
        StartupNotify: 'true',
      },
    },
  },
  deb: {
    artifactName: '${name}_${version}_${arch}.${ext}',
  },
};

export default config;
