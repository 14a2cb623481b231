// Types for build-electron.mjs, whose options the bundle test builds with.
import type { BuildOptions } from 'esbuild';
export const common: BuildOptions;
export const BUNDLES: BuildOptions[];
