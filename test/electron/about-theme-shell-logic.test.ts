import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aboutPanelOptions, COPYRIGHT, HOMEPAGE, type Versions } from '../../electron/main/about-logic';
import { jumpList, NEW_MODEL_SWITCH, wantsNewModel } from '../../electron/main/shell-integration-logic';
import { parseThemeChoice, WINDOW_BACKGROUND, windowBackground } from '../../electron/main/theme-logic';

const versions: Versions = { app: '0.1.0', electron: '45.6.1', chrome: '142.0.7444.0', node: '22.20.0', v8: '14.2.1' };

describe('About box', () => {
  it('names the app, its version and every runtime version on macOS and Windows', () => {
    for (const platform of ['darwin', 'win32']) {
      const about = aboutPanelOptions(versions, platform, '/app/icon.png');
      expect(about).toMatchObject({
        applicationName: 'LayerCanvas',
        applicationVersion: '0.1.0',
        copyright: COPYRIGHT,
      });
      for (const v of ['Electron 45.6.1', 'Chromium 142.0.7444.0', 'Node.js 22.20.0', 'V8 14.2.1'])
        expect(about.credits).toContain(v);
    }
    expect(aboutPanelOptions(versions, 'darwin').version).toBe('Electron 45.6.1');
    // macOS takes the bundle's icon; Windows the one given.
    expect(aboutPanelOptions(versions, 'darwin', '/app/icon.png').iconPath).toBeUndefined();
    expect(aboutPanelOptions(versions, 'win32', '/app/icon.png').iconPath).toBe('/app/icon.png');
  });

  it('puts the runtime on the version line on Linux, whose dialog shows no credits', () => {
    const about = aboutPanelOptions(versions, 'linux', '/app/icon.png', 'https://layercanvas.dev');
    expect(about.applicationVersion).toBe(
      '0.1.0 (Electron 45.6.1 · Chromium 142.0.7444.0 · Node.js 22.20.0 · V8 14.2.1)',
    );
    expect(about).toMatchObject({
      iconPath: '/app/icon.png',
      website: 'https://layercanvas.dev',
      authors: ['LayerCanvas contributors'],
    });
    expect(about.credits).toBeUndefined();
  });

  it("names package.json's homepage and the installers' copyright", async () => {
    expect(HOMEPAGE).toBe(JSON.parse(readFileSync('package.json', 'utf8')).homepage);
    const { default: config } = await import('../../electron-builder');
    expect(COPYRIGHT).toBe(config.copyright);
  });
});

describe('theme', () => {
  it('follows the OS until a choice is stored, and ignores junk', () => {
    expect(parseThemeChoice(null)).toBe('system');
    expect(parseThemeChoice('{"theme":"dark"}')).toBe('dark');
    expect(parseThemeChoice('{"theme":"light"}')).toBe('light');
    expect(parseThemeChoice('{"theme":"purple"}')).toBe('system');
    expect(parseThemeChoice('not json')).toBe('system');
  });

  it("paints the window in the page's own background colour for each theme", () => {
    const css = readFileSync('renderer/styles.css', 'utf8');
    const bg = [...css.matchAll(/--bg:\s*(#[0-9a-f]{6})/gi)].map((m) => m[1].toLowerCase());
    expect(bg).toEqual([WINDOW_BACKGROUND.light, WINDOW_BACKGROUND.dark]);
    expect(windowBackground(true)).toBe(WINDOW_BACKGROUND.dark);
    expect(windowBackground(false)).toBe(WINDOW_BACKGROUND.light);
  });
});

describe('jump list and the New Model switch', () => {
  it('lists recent files and a New Model task that relaunches the executable with the switch', () => {
    const list = jumpList('C:\\Users\\a\\AppData\\Local\\Programs\\LayerCanvas\\LayerCanvas.exe');
    expect(list[0]).toEqual({ type: 'recent' });
    expect(list[1]).toMatchObject({
      type: 'tasks',
      items: [{ type: 'task', title: 'New Model', args: NEW_MODEL_SWITCH }],
    });
    const task = list[1].items![0];
    expect(task.program).toBe(task.iconPath);
  });

  it('recognises the switch on a second launch’s command line, and only the switch', () => {
    expect(wantsNewModel(['LayerCanvas.exe', NEW_MODEL_SWITCH])).toBe(true);
    expect(wantsNewModel(['LayerCanvas.exe', 'C:\\m\\a.layercanvas.json'])).toBe(false);
  });
});
