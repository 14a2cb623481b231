/**
 * The import rules `npm test` enforces (scripts/check-deps.mjs runs them). Each folder is a runtime or a layer of
 * the engine, and imports may only point down:
 *
 *   engine: core → kernels, data → layers → graph → train → formats → api → host
 *   common/    runtime-neutral contracts (Host, preload bridge, folder policy, page security): engine types only
 *   renderer/  the page: the engine through engine/api only, and common/; never electron/, cli/ or Node
 *   electron/  the desktop shell: never renderer/
 *   cli/       the command: never renderer/ or electron/
 */

// Lower index = lower layer; a folder may import its own layer and those before it.
const ENGINE_LAYERS = [['core'], ['kernels', 'data'], ['layers'], ['graph'], ['train'], ['formats'], ['api'], ['host']];

const engineLayerRules = ENGINE_LAYERS.flatMap((group, rank) => {
  const above = ENGINE_LAYERS.slice(rank + 1).flat();
  if (above.length === 0) return [];
  const arrows = ENGINE_LAYERS.map((g) => g.join('/')).join(' → ');
  return group.map((folder) =>
    forbid(
      `engine-${folder}-imports-down`,
      `engine/${folder} sits below ${above.join(', ')}: the arrows run ${arrows}`,
      { path: `^engine/${folder}/` },
      { path: `^engine/(${above.join('|')})/` },
    ),
  );
});

// Same-layer siblings stay apart too: kernels and data know nothing of each other.
const siblingRules = [
  ['kernels', 'data'],
  ['data', 'kernels'],
].map(([from, to]) =>
  forbid(
    `engine-${from}-not-${to}`,
    `engine/${from} and engine/${to} are siblings in one layer`,
    { path: `^engine/${from}/` },
    { path: `^engine/${to}/` },
  ),
);

function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to };
}

module.exports = {
  forbidden: [
    forbid(
      'no-circular',
      'A cycle ties modules together so neither can be read, tested or moved alone.',
      {},
      { circular: true },
    ),
    forbid(
      'engine-is-pure',
      'engine/ runs in the utility process, the browser host child, the CLI and tests: no app code in it.',
      { path: '^engine/' },
      { path: '^(renderer|electron|cli|common)/' },
    ),
    forbid(
      'common-is-runtime-neutral',
      'common/ is imported by the page, the preload, Electron main and the CLI: no runtime in it.',
      { path: '^common/' },
      { path: '^(renderer|electron|cli)/|^engine/(host|kernels)/' },
    ),
    forbid(
      'common-has-no-node',
      'common/ is bundled into the sandboxed preload and the page, where Node modules do not exist.',
      { path: '^common/' },
      { dependencyTypes: ['core'] },
    ),
    forbid(
      'electron-not-renderer',
      'The shell and the page share contracts through common/, never each other.',
      { path: '^electron/' },
      { path: '^renderer/' },
    ),
    forbid(
      'renderer-not-shell',
      'The renderer knows only the Host interface (common/host.ts), never which host it runs in.',
      { path: '^renderer/' },
      { path: '^(electron|cli)/' },
    ),
    forbid(
      'renderer-has-no-node',
      'The page runs sandboxed: no Node modules.',
      { path: '^renderer/' },
      { dependencyTypes: ['core'] },
    ),
    forbid(
      'renderer-reaches-engine-through-api',
      'The page reaches the engine only through engine/api: the protocol its client speaks to the engine process, ' +
        'and one facade per engine folder it runs in the page (graph.ts, layers.ts, file-formats.ts, …), so the ' +
        'engine can move its modules without touching the renderer, and its public surface is one folder.',
      { path: '^renderer/' },
      { path: '^engine/', pathNot: '^engine/api/' },
    ),
    forbid(
      'stores-below-views',
      'Stores hold state; panels and the canvas render it. A store importing a view makes them one module.',
      { path: '^renderer/stores/' },
      { path: '^renderer/(panels|actions|canvas)/|\\.tsx$' },
    ),
    forbid(
      'cli-not-app',
      'The command runs without the desktop shell or the page.',
      { path: '^cli/' },
      { path: '^(renderer|electron)/' },
    ),
    ...engineLayerRules,
    ...siblingRules,
  ],
  options: {
    // TypeScript 7 has no compiler API yet, so dependency-cruiser parses with swc; type-only imports count.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^engine/kernels/wasm/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.json'] },
  },
};
