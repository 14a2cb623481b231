import { describe, expect, it } from 'vitest';
import { commandsIn, menuTemplate, type MenuItemSpec } from '../../electron/common/menu-template';
import { addRecent, parseRecent, RECENT_LIMIT } from '../../electron/common/recent-files';
import type { MenuCommand } from '../../common/host';

describe('recent files', () => {
  it('puts the newest first without duplicates and keeps at most the limit', () => {
    let list: string[] = [];
    for (let i = 0; i < RECENT_LIMIT + 3; i += 1) list = addRecent(list, `/m/${i}.py`);
    list = addRecent(list, '/m/5.py');
    expect(list[0]).toBe('/m/5.py');
    expect(list).toHaveLength(RECENT_LIMIT);
    expect(new Set(list).size).toBe(list.length);
    expect(list[1]).toBe(`/m/${RECENT_LIMIT + 2}.py`);
  });

  it('reads a stored list, dropping files that are gone, duplicates and junk', () => {
    const exists = (p: string) => p !== '/gone.py';
    expect(parseRecent(JSON.stringify(['/a.py', '/gone.py', 3, '/a.py', '/b.json']), exists)).toEqual([
      '/a.py',
      '/b.json',
    ]);
  });

  it('treats a missing or corrupt store as empty', () => {
    expect(parseRecent(null, () => true)).toEqual([]);
    expect(parseRecent('{not json', () => true)).toEqual([]);
    expect(parseRecent('{"a":1}', () => true)).toEqual([]);
  });
});

const ALL_COMMANDS: MenuCommand[] = [
  'new',
  'open',
  'save',
  'save-as',
  'export-keras-py',
  'export-keras-json',
  'export-tfjs',
  'export-weights-json',
  'export-keras',
  'export-h5',
  'export-onnx',
  'export-keras-train-default',
  'export-keras-train-mirrored',
  'export-keras-train-multiworker',
  'export-keras-train-tpu',
  'undo',
  'redo',
  'auto-layout',
  'fit-view',
  'toggle-theme',
  'restart-engine',
  'theme-system',
  'theme-light',
  'theme-dark',
];

function find(items: readonly MenuItemSpec[], label: string): MenuItemSpec | undefined {
  for (const item of items) {
    if ('label' in item && item.label?.replace('&', '') === label) return item;
    if (item.kind === 'submenu') {
      const inner = find(item.items, label);
      if (inner) return inner;
    }
  }
  return undefined;
}

describe('native menu', () => {
  it('offers every menu command exactly once (About is the native About box, not a page command)', () => {
    const commands = commandsIn(menuTemplate({ recent: [], dev: false, platform: 'linux', theme: 'system' }));
    expect([...commands].sort()).toEqual([...ALL_COMMANDS].sort());
  });

  it('has File, Edit, View and Help with the export formats under File ▸ Export', () => {
    const menu = menuTemplate({ recent: [], dev: false, platform: 'linux', theme: 'system' });
    expect(menu.map((m) => (m.kind === 'submenu' ? m.label.replace('&', '') : ''))).toEqual([
      'File',
      'Edit',
      'View',
      'Help',
    ]);
    const exportMenu = find(menu, 'Export');
    expect(
      exportMenu?.kind === 'submenu' && exportMenu.items.map((i) => (i.kind === 'command' ? i.command : null)),
    ).toEqual([
      'export-keras-py',
      'export-keras-json',
      'export-keras',
      'export-h5',
      'export-tfjs',
      'export-onnx',
      'export-weights-json',
      null,
      null,
    ]);
    const script = find(menu, 'Training Script (TensorFlow)');
    expect(script?.kind === 'submenu' && script.items.map((i) => (i.kind === 'command' ? i.command : null))).toEqual([
      'export-keras-train-default',
      'export-keras-train-mirrored',
      'export-keras-train-multiworker',
      'export-keras-train-tpu',
    ]);
  });

  it('leaves the shortcuts the page handles itself to the page, and gives no two items one accelerator', () => {
    const items: MenuItemSpec[] = [];
    const walk = (list: readonly MenuItemSpec[]) =>
      list.forEach((i) => (i.kind === 'submenu' ? walk(i.items) : items.push(i)));
    walk(menuTemplate({ recent: [], dev: true, platform: 'linux', theme: 'system' }));
    const pageKeys = items
      .filter((i) => i.kind === 'command' && i.pageKey)
      .map((i) => (i.kind === 'command' ? i.command : ''));
    // renderer/actions/shortcuts.ts handles Ctrl+S, Ctrl+Shift+S, Ctrl+O, Ctrl+Z and Ctrl+Y.
    expect(pageKeys.sort()).toEqual(['open', 'redo', 'save', 'save-as', 'undo']);
    const accelerators = items.flatMap((i) => (i.kind === 'command' && i.accelerator ? [i.accelerator] : []));
    // Electron's built-in Actual Size (resetZoom) takes CmdOrCtrl+0, zoom in/out CmdOrCtrl+Plus/Minus.
    expect(new Set([...accelerators, 'CmdOrCtrl+0']).size).toBe(accelerators.length + 1);
  });

  it('shows DevTools only in development', () => {
    const hasDevTools = (dev: boolean) =>
      JSON.stringify(menuTemplate({ recent: [], dev, platform: 'linux', theme: 'system' })).includes('toggleDevTools');
    expect(hasDevTools(false)).toBe(false);
    expect(hasDevTools(true)).toBe(true);
  });

  it('lists recent files under Open Recent, disabled when there are none', () => {
    const empty = find(menuTemplate({ recent: [], dev: false, platform: 'linux', theme: 'system' }), 'Open Recent');
    expect(empty).toMatchObject({ kind: 'submenu', enabled: false, items: [] });
    const full = find(
      menuTemplate({ recent: ['/home/u/mnist.layercanvas.json'], dev: false, platform: 'linux', theme: 'system' }),
      'Open Recent',
    );
    expect(full).toMatchObject({
      kind: 'submenu',
      enabled: true,
      items: [
        { kind: 'recent', path: '/home/u/mnist.layercanvas.json' },
        { kind: 'separator' },
        { kind: 'main', action: 'clear-recent' },
      ],
    });
  });
});

describe("each OS's menu conventions", () => {
  const menu = (platform: string, theme: 'system' | 'light' | 'dark' = 'system') =>
    menuTemplate({ recent: [], dev: false, platform, theme });
  const labels = (items: readonly MenuItemSpec[]) =>
    items.map((m) => (m.kind === 'submenu' ? m.label : m.kind === 'role' ? m.role : ''));
  const fileItems = (platform: string) =>
    (menu(platform).find((m) => m.kind === 'submenu' && m.label.includes('File')) as { items: MenuItemSpec[] }).items;
  const redo = (platform: string) => find(menu(platform), 'Redo') as { accelerator: string };

  it('macOS: the app menu first, a Window menu last, About in the app menu, no mnemonics, Close Window and no Quit under File', () => {
    expect(labels(menu('darwin'))).toEqual(['appMenu', 'File', 'Edit', 'View', 'windowMenu']);
    expect(JSON.stringify(menu('darwin'))).not.toContain('&');
    expect(fileItems('darwin')).toContainEqual({ kind: 'role', role: 'close', label: 'Close Window' });
    expect(fileItems('darwin').some((i) => i.kind === 'role' && i.role === 'quit')).toBe(false);
    expect(redo('darwin').accelerator).toBe('Cmd+Shift+Z');
  });

  it('Windows: File ends with Exit, Redo is Ctrl+Y, About under Help', () => {
    expect(labels(menu('win32'))).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(fileItems('win32').at(-1)).toEqual({ kind: 'role', role: 'quit', label: 'E&xit' });
    expect(redo('win32').accelerator).toBe('Ctrl+Y');
    expect(find(menu('win32'), 'Help')).toMatchObject({
      items: [{ kind: 'role', role: 'about', label: 'About LayerCanvas' }],
    });
  });

  it('Linux: File ends with Quit, Redo is Ctrl+Shift+Z (GNOME and KDE), About under Help', () => {
    expect(fileItems('linux').at(-1)).toEqual({ kind: 'role', role: 'quit', label: '&Quit' });
    expect(redo('linux').accelerator).toBe('Ctrl+Shift+Z');
    expect(find(menu('linux'), 'Help')).toMatchObject({ items: [{ kind: 'role', role: 'about' }] });
  });

  it('View ▸ Theme checks the current choice, and Match System brings back the OS theme after a toggle', () => {
    for (const theme of ['system', 'light', 'dark'] as const) {
      const themeMenu = find(menu('linux', theme), 'Theme') as { items: MenuItemSpec[] };
      const radios = themeMenu.items.filter((i) => i.kind === 'radio');
      expect(radios.map((r) => r.kind === 'radio' && [r.command, r.checked])).toEqual([
        ['theme-system', theme === 'system'],
        ['theme-light', theme === 'light'],
        ['theme-dark', theme === 'dark'],
      ]);
    }
  });
});
