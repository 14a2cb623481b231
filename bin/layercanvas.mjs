#!/usr/bin/env node
// The `layercanvas` command. The CLI is TypeScript run through tsx's loader, so `npx layercanvas` works in the
// repository without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
