// Hostile files through the CLI, in-process: each gets a one-line refusal with the right exit code, quickly, and
// nothing outside the model's folder is read or written.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n'), errLines: err.join('\n').trim().split('\n') };
}

let dir: string;
const MLP = new URL('../fixtures/tfjs/article-mlp/', import.meta.url).pathname;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layercanvas-hostile-'));
});

/** A copy of the article MLP's TF.js model whose manifest names `paths` instead of its shard. */
function tfjsWith(name: string, paths: string[]): string {
  const folder = join(dir, name, 'model');
  mkdirSync(folder, { recursive: true });
  cpSync(join(MLP, 'group1-shard1of1.bin'), join(folder, 'group1-shard1of1.bin'));
  const json = JSON.parse(readFileSync(join(MLP, 'model.json'), 'utf8'));
  json.weightsManifest[0].paths = paths;
  writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
  return join(folder, 'model.json');
}

describe('parser limits (issue 11, items 2 and 11)', () => {
  it('200,000 opening brackets: exit 1 with the located depth limit, no stack trace', async () => {
    const p = join(dir, 'brackets.json');
    writeFileSync(p, '['.repeat(200_000));
    const r = await run('summary', p);
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([
      `${p}:1:257: the JSON nests lists and objects more than 256 levels deep (a Keras model nests about 15 levels; the file is damaged or is not a model)`,
    ]);
  });

  it('a config nested 20,000 levels deep: exit 1, one line', async () => {
    const p = join(dir, 'deep.json');
    writeFileSync(p, `{"class_name": "Sequential", "config": ${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}}`);
    const r = await run('validate', p);
    expect(r.code).toBe(1);
    expect(r.errLines).toHaveLength(1);
    expect(r.err).toContain('more than 256 levels deep');
  });

  it('the five-line Python hang ends at once with the located size limit', async () => {
    const p = join(dir, 'hang.py');
    writeFileSync(p, 'a=[0]*100000\nb=[a]*100000\nc=[b]*100000\nd = c == c\n');
    const r = await run('summary', p);
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([`${p}:2:3: this value would hold more than 100,000 items (write the value out)`]);
  });

  it('summary /dev/zero and a named pipe are refused as not files (exit 2), without blocking', async () => {
    const zero = await run('summary', '/dev/zero');
    expect(zero.code).toBe(2);
    expect(zero.errLines).toEqual([
      "layercanvas: /dev/zero is a device, not a file; give a model file (run 'layercanvas --help' for usage)",
    ]);
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    const pipe = await run('summary', fifo);
    expect(pipe.code).toBe(2);
    expect(pipe.err).toContain('is a named pipe, not a file');
  });
});

describe('TF.js weight shards stay in the model folder (issue 11, item 3)', () => {
  it('reads the model with its own shard', async () => {
    const r = await run('summary', tfjsWith('good', ['group1-shard1of1.bin']));
    expect(r.code).toBe(0);
  });

  it("refuses ../model-private/secret.bin, a folder whose name starts with the model folder's", async () => {
    const model = tfjsWith('climb', ['../model-private/secret.bin']);
    mkdirSync(join(dir, 'climb', 'model-private'));
    writeFileSync(join(dir, 'climb', 'model-private', 'secret.bin'), new Uint8Array(4096));
    const r = await run('export', model, '--format', 'weights-json');
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([
      `${model}:weightsManifest[0].paths[0]: '../model-private/secret.bin' is outside the model's folder; LayerCanvas reads weight files only from beside the model (keep the weight files in model.json's folder)`,
    ]);
    expect(r.out).toBe('');
  });

  it('refuses a symlinked shard that leads to /etc/passwd', async () => {
    const model = tfjsWith('link', ['group1-shard1of1.bin']);
    const shard = join(dir, 'link', 'model', 'group1-shard1of1.bin');
    execFileSync('rm', [shard]);
    symlinkSync('/etc/passwd', shard);
    const r = await run('export', model, '--format', 'weights-json');
    expect(r.code).toBe(1);
    expect(r.err).toContain("'group1-shard1of1.bin' leads (through a symbolic link) outside the model's folder");
    expect(r.out).not.toContain('root');
  });

  it('a weight path of "." (the folder itself, EISDIR before) is a located refusal, exit 1', async () => {
    const model = tfjsWith('dot', ['.']);
    const r = await run('summary', model);
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([
      `${model}:weightsManifest[0].paths[0]: '.' is the model's folder itself, not a weight file (keep the weight files in model.json's folder)`,
    ]);
  });

  it('a shard named 40 times is refused once, not read 40 times', async () => {
    const model = tfjsWith('repeat', Array(40).fill('group1-shard1of1.bin'));
    const r = await run('summary', model);
    expect(r.code).toBe(1);
    expect(r.err).toContain("the weight file 'group1-shard1of1.bin' is listed twice");
  });
});

describe('--out saves are durable and faithful (issue 11, item 5)', () => {
  const model = () => {
    const p = join(dir, 'net.py');
    writeFileSync(
      p,
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])\n',
    );
    return p;
  };

  it('writes through a symlink to its target, keeps the link and the mode, leaves no temp file', async () => {
    const out = join(dir, 'saves');
    mkdirSync(join(out, 'real'), { recursive: true });
    writeFileSync(join(out, 'real', 'net.json'), 'old');
    chmodSync(join(out, 'real', 'net.json'), 0o600);
    symlinkSync(join('real', 'net.json'), join(out, 'net.json'));
    const r = await run('export', model(), '--format', 'keras-json', '--out', join(out, 'net.json'));
    expect(r.code).toBe(0);
    expect(lstatSync(join(out, 'net.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'real', 'net.json'), 'utf8')).class_name).toBe('Sequential');
    expect(statSync(join(out, 'real', 'net.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(out, 'real'))).toEqual(['net.json']);
  });

  it('an --out into a missing folder is bad usage (exit 2), one line, nothing written', async () => {
    const r = await run('export', model(), '--format', 'keras-json', '--out', join(dir, 'nowhere', 'net.json'));
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([`layercanvas: the folder ${join(dir, 'nowhere')} does not exist`]);
  });

  it('an --out onto a folder is refused, and the folder is left as it was', async () => {
    mkdirSync(join(dir, 'taken'));
    const r = await run('export', model(), '--format', 'keras-json', '--out', join(dir, 'taken'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a folder; not writing over it');
    expect(readdirSync(join(dir, 'taken'))).toEqual([]);
  });
});

describe('the resource estimate before predict and train (issue 11, item 1)', () => {
  const big = () => {
    const p = join(dir, 'big.py');
    writeFileSync(
      p,
      `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(20000,)), ${Array(32).fill('layers.Dense(20000)').join(', ')}])\n`,
    );
    return p;
  };
  const REFUSAL =
    /^layercanvas: needs about 47\.7 GB for weights alone \(32 × Dense\(20000\)\); (this machine has [\d.]+ GB|the memory budget is .*)/;

  it('summary keeps the Keras table and adds the estimate after it, and a warning past the budget', async () => {
    const r = await run('summary', big(), '--memory-budget', '8GB');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      ' Total params: 12,800,640,000 (47.69 GB)\n Trainable params: 12,800,640,000 (47.69 GB)\n Non-trainable params: 0 (0.00 B)\n Memory estimate (float32), batch of 32:\n  Predict: 47.76 GB',
    );
    expect(r.errLines).toEqual([
      expect.stringMatching(/^warning: needs about 47\.7 GB for weights alone \(32 × Dense\(20000\)\)/),
    ]);
    const json = JSON.parse((await run('summary', big(), '--json')).out);
    expect(json.memory).toMatchObject({
      batch_size: 32,
      optimizer: 'adam',
      weights_bytes: 12_800_640_000 * 4,
      gradients_bytes: 12_800_640_000 * 4,
    });
  });

  it('predict refuses 48 GB of weights before allocating: exit 1, one line', async () => {
    const input = join(dir, 'in.json');
    writeFileSync(input, JSON.stringify({ shape: [1, 20000], data: Array(20000).fill(0) }));
    const r = await run('predict', big(), '--input', input, '--out', join(dir, 'never.json'));
    expect(r.code).toBe(1);
    expect(r.errLines.filter((l) => !l.startsWith('warning'))).toEqual([expect.stringMatching(REFUSAL)]);
    expect(readdirSync(dir)).not.toContain('never.json');
  });

  it('train refuses it before reading the dataset', async () => {
    const r = await run('train', big(), '--dataset', join(dir, 'no-such-dataset.csv'));
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([expect.stringMatching(REFUSAL)]);
  });

  it('a bad --memory-budget is bad usage', async () => {
    const r = await run('summary', big(), '--memory-budget', 'lots');
    expect(r.code).toBe(2);
    expect(r.errLines).toEqual([
      "layercanvas: --memory-budget must be a size such as 8GB or 512MB, got 'lots' (run 'layercanvas --help' for usage)",
    ]);
  });
});

describe('exit codes (issue 11, item 11)', () => {
  it('an unexpected exception is exit 3 with one line and a bug-report hint; --debug adds the stack', async () => {
    const p = join(dir, 'ok.py');
    writeFileSync(
      p,
      'import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2)])\n',
    );
    const failingOut = (debug: boolean) => {
      const err: string[] = [];
      const io = {
        out: () => {
          throw new TypeError('stdout went away');
        },
        err: (t: string) => err.push(t),
      };
      return main(['summary', p, ...(debug ? ['--debug'] : [])], io).then((code) => ({ code, err }));
    };
    const plain = await failingOut(false);
    expect(plain.code).toBe(3);
    expect(plain.err).toEqual([
      'layercanvas: internal error: TypeError: stdout went away (this is a bug in LayerCanvas; please report it with the command and file (run with --debug for details))',
    ]);
    const debug = await failingOut(true);
    expect(debug.code).toBe(3);
    expect(debug.err[1]).toMatch(/^TypeError: stdout went away\n\s+at /);
  });

  it('bad usage is exit 2 in one line', async () => {
    const r = await run('summary', '--nope');
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
  });
});
