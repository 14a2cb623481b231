import { describe, expect, it } from 'vitest';
import { APP_URL, CHANNELS } from '../../electron/common/channels';
import { checkIpc, isTrustedSender } from '../../electron/common/ipc-schemas';

const ours = { url: APP_URL, isTopFrame: true };

describe('IPC sender check', () => {
  it('trusts only the top frame of our app:// page', () => {
    expect(isTrustedSender(ours)).toBe(true);
    expect(isTrustedSender({ url: 'app://layercanvas/assets/x.html?y#z', isTopFrame: true })).toBe(true);
  });

  const refused: [string, { url: string | undefined; isTopFrame: boolean } | null][] = [
    ['an iframe inside our page', { url: APP_URL, isTopFrame: false }],
    ['a remote page', { url: 'https://evil.example/', isTopFrame: true }],
    ['a look-alike host', { url: 'app://layercanvas.evil/index.html', isTopFrame: true }],
    ['a look-alike host with our name as user info', { url: 'app://layercanvas@evil/index.html', isTopFrame: true }],
    ['a file:// page', { url: 'file:///work/main/dist/renderer/index.html', isTopFrame: true }],
    ['the browser host origin', { url: 'http://127.0.0.1:5917/', isTopFrame: true }],
    ['a frame without a URL', { url: undefined, isTopFrame: true }],
    ['a destroyed frame', null],
    ['garbage', { url: 'not a url', isTopFrame: true }],
  ];
  for (const [what, sender] of refused) {
    it(`refuses ${what}`, () => {
      expect(isTrustedSender(sender)).toBe(false);
      const check = checkIpc(CHANNELS.recentFiles, sender, []);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(/^refused layercanvas:recent-files/);
    });
  }
});

describe('IPC payload validation', () => {
  it('accepts well-formed calls and hands back the parsed arguments', () => {
    const save = checkIpc(CHANNELS.saveFile, ours, [
      { suggestedName: 'model.py', data: 'import keras\n', filters: [{ name: 'Python', extensions: ['py'] }] },
    ]);
    expect(save).toMatchObject({ ok: true, args: [{ suggestedName: 'model.py' }] });
    const bytes = checkIpc(CHANNELS.saveFile, ours, [{ suggestedName: 'w.bin', data: new Uint8Array([1, 2]) }]);
    expect(bytes.ok).toBe(true);
    expect(checkIpc(CHANNELS.openFile, ours, [undefined]).ok).toBe(true);
    expect(checkIpc(CHANNELS.openFile, ours, []).ok).toBe(true);
    expect(checkIpc(CHANNELS.documentState, ours, [{ title: 'mnist.layercanvas.json', dirty: true }]).ok).toBe(true);
    expect(checkIpc(CHANNELS.requestEnginePort, ours, []).ok).toBe(true);
    expect(checkIpc(CHANNELS.openFolder, ours, []).ok).toBe(true);
  });

  const bad: [string, Parameters<typeof checkIpc>[0], unknown[], RegExp][] = [
    ['save without a name', CHANNELS.saveFile, [{ data: 'x' }], /suggestedName/],
    ['save with data that is an object', CHANNELS.saveFile, [{ suggestedName: 'a', data: { evil: true } }], /data/],
    [
      'save with a relative path longer than any real one',
      CHANNELS.saveFile,
      [{ suggestedName: 'a', data: '', path: 'x'.repeat(5000) }],
      /path/,
    ],
    ['a filter extension with a slash', CHANNELS.openFile, [[{ name: 'x', extensions: ['../etc'] }]], /extensions/],
    ['document state with a string dirty flag', CHANNELS.documentState, [{ title: 't', dirty: 'yes' }], /dirty/],
    ['document state without arguments', CHANNELS.documentState, [], /arguments|0/],
    ['extra arguments', CHANNELS.recentFiles, ['surprise'], /./],
    ['a folder path from the page (main asks the user instead)', CHANNELS.openFolder, ['/home/user/.ssh'], /./],
    ['an unknown channel', 'layercanvas:rm-rf' as never, [], /unknown channel/],
  ];
  for (const [what, channel, args, pattern] of bad) {
    it(`refuses ${what}`, () => {
      const check = checkIpc(channel, ours, args);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(pattern);
    });
  }
});
