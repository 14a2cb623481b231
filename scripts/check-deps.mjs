#!/usr/bin/env node
// Checks the import rules in .dependency-cruiser.cjs over the source folders; exits 1 on any violation.
// dependency-cruiser's own command refuses Node 20 (which CI and this project run), so this calls its API.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { cruise } from 'dependency-cruiser';

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs');
const roots = process.argv.length > 2 ? process.argv.slice(2) : ['common', 'engine', 'electron', 'renderer', 'cli'];
const { options, ...ruleSet } = config;
const result = await cruise(
  roots.filter((root) => existsSync(root)),
  { ...options, validate: true, ruleSet, outputType: 'err' },
  options.enhancedResolveOptions,
);
// The missing-tsc warning is about TypeScript 7's absent compiler API, which swc stands in for here.
const output = result.output
  .split(/\n(?=\S)/)
  .filter((block) => !block.includes('missing-tsc-transpiler'))
  .join('\n')
  .trim();
if (output) console.log(output);
process.exit(result.exitCode === 0 ? 0 : 1);
