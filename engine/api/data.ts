/** The renderer's way into engine/data/ (datasets: their registry, samples and checks against a model): the page imports the engine only through engine/api. */
export * from '../data/types';
export * from '../data/registry';
export * from '../data/samples';
export * from '../data/check';
