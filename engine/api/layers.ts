/** The renderer's way into engine/layers/ (the layer registry, definitions and their config fields): the page imports the engine only through engine/api. */
export * from '../layers/registry';
export * from '../layers/types';
export * from '../layers/config';
export * from '../layers/fields';
export * from '../layers/batch-normalization';
export { freshRule, parseRule, ruleArgText, ruleText, withRuleArg } from '../core/weight-rules';
