#!/usr/bin/env node
// The whole suite, as CI runs it: import rules, lint, a typecheck per runtime, unit tests, the end-to-end
// tests in Chromium, then the interop tests in real Keras (test/interop, pytest in .venv-keras, made here once).
// Ends with one line `tests: N passed, N failed` so any reader of the log sees the count.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureKerasVenv, KERAS_PACKAGES, venvPython } from './lib/keras-venv.mjs';
import { packageBin } from './lib/package-bin.mjs';

const VENV = '.venv-keras';

const results = 'test-results';
mkdirSync(results, { recursive: true });
let passed = 0;
let failed = 0;
let ok = true;
// Names of what failed, printed again just above the last line: a log read from its tail still says what broke.
const failures = [];

function run(title, cmd, args) {
  console.log(`\n== ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd === 'node' ? process.execPath : cmd, args, { stdio: 'inherit', shell: false });
  if (r.status !== 0) {
    console.log(`== ${title} failed (exit ${r.status ?? r.signal})`);
    failures.push(title);
    ok = false;
  }
  return r.status === 0;
}

function count(file) {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  for (const suite of report.testResults ?? []) {
    const file = String(suite.name ?? '').replace(`${process.cwd()}/`, '');
    const bad = (suite.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of bad) failures.push(`${file} › ${a.fullName ?? a.title}: ${firstLine(a.failureMessages?.[0])}`);
    // A file that failed to load has no failed assertions, only its own message.
    if (suite.status === 'failed' && bad.length === 0) failures.push(`${file}: ${firstLine(suite.message)}`);
  }
}

function firstLine(text) {
  return String(text ?? '')
    .split('\n')[0]
    .slice(0, 300);
}

// The kernels' WebAssembly and the renderer bundle are build outputs that tests load.
if (!run('build', 'node', ['scripts/build.mjs'])) failed += 1;
// Each check below fails the run on a violation; each counts as one failed test so the last line says so.
if (!run('import rules', 'node', ['scripts/check-deps.mjs'])) failed += 1;
if (!run('lint', 'node', [packageBin('@biomejs/biome', 'biome'), 'lint', '--diagnostic-level=error', '.'])) failed += 1;
// The whole tree as biome.jsonc includes it (fixtures and WebAssembly sources excepted); `npm run format` fixes it.
if (!run('format', 'node', [packageBin('@biomejs/biome', 'biome'), 'format', '.'])) failed += 1;
// One typecheck per runtime (the engine without DOM types, the page without Node's), then the tests'.
for (const runtime of ['engine', 'renderer', 'electron', 'cli', 'tests']) {
  const project = runtime === 'tests' ? 'tsconfig.json' : `tsconfig.${runtime}.json`;
  if (!run(`typecheck ${runtime}`, 'node', [packageBin('typescript', 'tsc'), '--noEmit', '-p', project])) failed += 1;
}
run('unit tests', 'node', [
  packageBin('vitest'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}/unit.json`,
]);
count(`${results}/unit.json`);
if (existsSync('vitest.e2e.config.ts')) {
  run('end-to-end tests', 'node', [
    packageBin('vitest'),
    'run',
    '-c',
    'vitest.e2e.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${results}/e2e.json`,
  ]);
  count(`${results}/e2e.json`);
}
// Real Keras: the virtualenv is made once (kept out of git) and reused. A failed install fails the run, in one line.
console.log(`\n== interop: ${VENV} with ${KERAS_PACKAGES.join(' ')} (made if missing)`);
const venvProblem = ensureKerasVenv(VENV);
if (venvProblem) {
  console.log(`== interop failed: ${venvProblem}`);
  failed += 1;
} else {
  const junit = `${results}/interop.xml`;
  rmSync(junit, { force: true });
  run('interop tests in real Keras', venvPython(VENV), [
    '-m',
    'pytest',
    'test/interop',
    '-q',
    '-p',
    'no:cacheprovider',
    `--junitxml=${junit}`,
  ]);
  if (existsSync(junit)) {
    // <testsuite name="pytest" errors="0" failures="0" skipped="0" tests="51" …>
    const suite = readFileSync(junit, 'utf8').match(/<testsuite\b[^>]*>/)?.[0] ?? '';
    const attr = (name) => Number(suite.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
    const bad = attr('failures') + attr('errors');
    passed += attr('tests') - bad - attr('skipped');
    failed += bad + attr('skipped');
    const cases = readFileSync(junit, 'utf8').matchAll(
      /<testcase\b[^>]*\bname="([^"]*)"[^>]*>\s*<(failure|error|skipped)\b([^>]*)>/g,
    );
    for (const [, name, kind, attrs] of cases) {
      failures.push(`interop › ${name}: ${kind} ${firstLine(attrs.match(/message="([^"]*)"/)?.[1])}`);
    }
  } else {
    console.log('== interop tests wrote no report');
    failed += 1;
  }
}

if (failures.length > 0) console.log(`\n== what failed\n${failures.map((f) => `- ${f}`).join('\n')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
