/**
 * What both hosts send with the renderer: the Content-Security-Policy and the MIME types. One definition so the
 * desktop app and `layercanvas serve` lock the page down the same way. No imports: usable from any runtime.
 */

export interface CspOptions {
  /** Extra connect-src sources (the browser host's engine WebSocket); the desktop app needs none. */
  connect?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  return [
    "default-src 'self'",
    // TF.js's WASM backend compiles WebAssembly; nothing evaluates JS strings.
    "script-src 'self' 'wasm-unsafe-eval'",
    // React Flow and Monaco set inline styles.
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    ["connect-src 'self'", ...(options.connect ?? [])].join(' '),
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot >= 0 && MIME_TYPES[fileName.slice(dot).toLowerCase()]) || 'application/octet-stream';
}
