/** The renderer's way into engine/train/ (losses, optimizers, the trainer, run diffs and the BN twin): the page imports the engine only through engine/api. */
export * from '../train/optimizers';
export * from '../train/losses';
export * from '../train/trainer';
export * from '../train/diff';
export * from '../train/twin';
