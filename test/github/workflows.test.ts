/**
 * .github/workflows, which can't run here: parsed as YAML and checked like code. CI runs the whole suite on the
 * three OSes with Node versions our dependencies accept; a version tag packages each OS and drafts a release
 * whose files are the ones electron-builder.ts names.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('.');
// js-yaml and builder-util come with electron-builder; semver with npm's own tree.
const fromBuilder = createRequire(createRequire(join(ROOT, 'package.json')).resolve('electron-builder/package.json'));
const fromLib = createRequire(fromBuilder.resolve('app-builder-lib/package.json'));
const yaml = fromLib('js-yaml') as { load(text: string): unknown };
const { Arch, getArtifactArchName } = fromLib('builder-util') as {
  Arch: Record<string, number>;
  getArtifactArchName(arch: number, ext: string): string;
};
const semver = createRequire(join(ROOT, 'package.json'))('semver') as {
  satisfies(version: string, range: string): boolean;
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  needs?: string;
  permissions?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix: { os?: string[]; node?: string[]; include?: Record<string, string>[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) =>
  yaml.load(readFileSync(join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const engines = (name: string) =>
  JSON.parse(readFileSync(createRequire(join(ROOT, 'package.json')).resolve(`${name}/package.json`), 'utf8')).engines
    .node as string;
/** The matrix as GitHub expands it: the os × node product, then each include that matches no row added as its own. */
function combinations(job: Job): Record<string, string>[] {
  const m = job.strategy!.matrix;
  const rows = (m.os ?? []).flatMap((os) => (m.node ?? []).map((node) => ({ os, node })) as Record<string, string>[]);
  for (const extra of m.include ?? []) {
    const fits = rows.filter((row) => Object.entries(extra).every(([k, v]) => !(k in row) || row[k] === v));
    if (fits.length > 0) for (const row of fits) Object.assign(row, extra);
    else rows.push({ ...extra });
  }
  return rows;
}
/** The step whose `run` matches, or whose `uses` starts with the action. */
const stepRunning = (job: Job, pattern: RegExp) => job.steps.filter((s) => s.run && pattern.test(s.run));
const stepUsing = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );

describe('ci.yml', () => {
  const ci = workflow('ci.yml');
  const test = ci.jobs.test;
  const rows = combinations(test);

  it('runs on pushes to main and on pull requests, reading the repository only', () => {
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect((ci.on.push as { branches: string[] }).branches).toEqual(['main']);
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('tests Ubuntu, macOS and Windows on Node 22, and Linux on 24 and 20 too, none cancelled by another', () => {
    expect(rows.map((r) => `${r.os}/${r.node}`).sort()).toEqual(
      ['macos-latest/22', 'ubuntu-latest/20', 'ubuntu-latest/22', 'ubuntu-latest/24', 'windows-latest/22'].sort(),
    );
    expect(test.strategy!['fail-fast']).toBe(false);
    expect(test['runs-on']).toBe('${{ matrix.os }}');
  });

  it('each Node in the matrix is one the toolchain accepts, and the ones installing Electron satisfy its installer', () => {
    for (const { node } of rows) {
      const version = `${node}.99.0`;
      expect(semver.satisfies(version, engines('vite')), `vite on Node ${node}`).toBe(true);
      expect(semver.satisfies(version, engines('vitest')), `vitest on Node ${node}`).toBe(true);
    }
    const electronStep = stepRunning(test, /install-electron/)[0];
    expect(electronStep.if).toBe("matrix.node != '20'");
    for (const { node } of rows.filter((r) => r.node !== '20')) {
      expect(semver.satisfies(`${node}.99.0`, engines('electron'))).toBe(true);
      expect(semver.satisfies(`${node}.99.0`, pkg.engines.node), `package.json engines on Node ${node}`).toBe(true);
    }
    expect(semver.satisfies('20.19.0', engines('electron'))).toBe(false);
  });

  it('installs with npm ci, then runs npm test: under Xvfb on Linux (Electron needs a display), directly elsewhere', () => {
    const setup = stepUsing(test, 'actions/setup-node')[0];
    expect(setup.with).toEqual({ 'node-version': '${{ matrix.node }}', cache: 'npm' });
    const names = test.steps.map((s) => s.run ?? s.uses ?? '');
    const order = (pattern: RegExp) => names.findIndex((n) => pattern.test(n));
    expect(order(/^actions\/checkout@/)).toBe(0);
    expect(order(/^npm ci\b/)).toBeGreaterThan(order(/^actions\/setup-node@/));
    const tests = stepRunning(test, /npm test$/);
    expect(tests.map((s) => [s.if, s.run])).toEqual([
      ["runner.os == 'Linux'", 'xvfb-run --auto-servernum -- npm test'],
      ["runner.os != 'Linux'", 'npm test'],
    ]);
    for (const s of tests)
      expect(order(new RegExp(`^${s.run!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))).toBeGreaterThan(
        order(/install-electron/),
      );
  });

  it('points the end-to-end harness at a Chromium it installs, through the variable the harness reads', () => {
    const harness = readFileSync(join(ROOT, 'test', 'e2e', 'harness.ts'), 'utf8');
    expect(harness).toContain('process.env.LAYERCANVAS_CHROMIUM');
    const chromium = stepRunning(test, /playwright-core install chromium/)[0];
    expect(chromium.shell).toBe('bash');
    expect(chromium.run).toContain('LAYERCANVAS_CHROMIUM=');
    expect(chromium.run).toContain('>> "$GITHUB_ENV"');
  });

  it('keeps each run’s test reports under a name no other run in the matrix uses', () => {
    const upload = stepUsing(test, 'actions/upload-artifact')[0];
    expect(upload.if).toBe('always()');
    expect(upload.with!.path).toBe('test-results/');
    const names = rows.map((r) =>
      String(upload.with!.name).replace('${{ matrix.os }}', r.os).replace('${{ matrix.node }}', r.node),
    );
    expect(new Set(names).size).toBe(rows.length);
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');
  const pack = release.jobs.package;
  const rows = combinations(pack);

  it('runs on version tags only, and only its release job may write', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(release.permissions).toEqual({ contents: 'read' });
    expect(release.jobs.release.permissions).toEqual({ contents: 'write' });
    expect(release.jobs.release.needs).toBe('package');
  });

  it('packages on each OS with npm run dist after npm ci and a check that the tag is package.json’s version', () => {
    expect(rows.map((r) => r.os).sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    const runs = pack.steps.map((s) => s.run ?? '');
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    expect(at(/require\('\.\/package\.json'\)\.version/)).toBeGreaterThan(-1);
    expect(at(/^npm ci\b/)).toBeGreaterThan(-1);
    expect(at(/^npm run dist$/)).toBeGreaterThan(at(/^npm ci\b/));
    expect(stepUsing(pack, 'actions/setup-node')[0].with!['node-version']).toBe('22');
  });

  it('passes signing and notarization secrets only through the environment electron-builder reads', () => {
    const dist = stepRunning(pack, /^npm run dist$/)[0];
    expect(Object.keys(dist.env!).sort()).toEqual(
      [
        'APPLE_API_ISSUER',
        'APPLE_API_KEY_ID',
        'CSC_KEY_PASSWORD',
        'CSC_LINK',
        'WIN_CSC_KEY_PASSWORD',
        'WIN_CSC_LINK',
      ].sort(),
    );
    // The macOS certificate must not reach the Windows signer (which falls back to CSC_LINK).
    expect(dist.env!.CSC_LINK).toContain("runner.os == 'macOS'");
    const key = stepRunning(pack, /APPLE_API_KEY=/)[0];
    expect(key.if).toBe("runner.os == 'macOS'");
    expect(key.run).toContain('>> "$GITHUB_ENV"');
  });

  it('uploads exactly the installers electron-builder.ts names, failing when one is missing', async () => {
    const { default: config } = await import('../../electron-builder');
    const expand = (pattern: string, os: string, arch: string, ext: string) =>
      pattern
        .replaceAll('${productName}', config.productName!)
        .replaceAll('${name}', pkg.name)
        .replaceAll('${version}', pkg.version)
        .replaceAll('${os}', os)
        .replaceAll('${arch}', getArtifactArchName(Arch[arch], ext))
        .replaceAll('${ext}', ext);
    const made: Record<string, string[]> = {
      'ubuntu-latest': [
        expand(config.artifactName!, 'linux', 'x64', 'AppImage'),
        expand(config.deb!.artifactName!, 'linux', 'x64', 'deb'),
      ],
      'macos-latest': ['x64', 'arm64'].map((arch) => expand(config.artifactName!, 'mac', arch, 'dmg')),
      'windows-latest': [expand(config.nsis!.artifactName!, 'win', 'x64', 'exe')],
    };
    expect(made['ubuntu-latest']).toEqual(
      ['LayerCanvas-0.1.0-linux-x86_64.AppImage', 'layercanvas_0.1.0_amd64.deb'].map((n) =>
        n.replace('0.1.0', pkg.version),
      ),
    );
    const upload = stepUsing(pack, 'actions/upload-artifact')[0];
    expect(upload.with).toEqual({
      name: '${{ matrix.artifact }}',
      path: '${{ matrix.installers }}',
      'if-no-files-found': 'error',
    });
    for (const row of rows) {
      const globs = row.installers
        .trim()
        .split('\n')
        .map((g) => g.trim().replace(/^release\//, ''));
      // Every glob finds its own installer, and every installer is found.
      expect(globs.map((g) => made[row.os].filter((f) => globToRegExp(g).test(f)).length)).toEqual(globs.map(() => 1));
      for (const file of made[row.os])
        expect(
          globs.some((g) => globToRegExp(g).test(file)),
          file,
        ).toBe(true);
      expect(row.artifact).toMatch(/^installers-/);
    }
    expect(new Set(rows.map((r) => r.artifact)).size).toBe(3);
  });

  it('drafts one release from the tag with every OS’s installers', () => {
    const job = release.jobs.release;
    const download = stepUsing(job, 'actions/download-artifact')[0];
    expect(download.with).toEqual({ pattern: 'installers-*', path: 'installers', 'merge-multiple': true });
    const create = stepRunning(job, /gh release create/)[0];
    expect(create.run).toMatch(/gh release create "\$GITHUB_REF_NAME" installers\/\*/);
    expect(create.run).toContain('--draft');
    expect(create.run).toContain('--verify-tag');
    expect(create.env).toEqual({ GH_TOKEN: '${{ github.token }}' });
  });
});
