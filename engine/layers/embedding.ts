import { defineLayer } from './define';
import { activityRegularizerField, constraintFields, initializerField, regularizerFields } from './fields';

/**
 * Keras 3.15's Embedding: row `id` of the (input_dim, output_dim) matrix for every integer id of the input, so
 * (batch, …) → (batch, …, output_dim). Ids arrive as whole numbers in the engine's float tensors; Keras casts a
 * float input to int32 the same way. Ids outside 0 … input_dim − 1 are an error, as TensorFlow's gather on CPU.
 */
export const Embedding = defineLayer({
  className: 'Embedding',
  group: 'Core',
  description:
    'Turns integer token ids into learned dense vectors: one row of an (input_dim, output_dim) matrix per id.',
  details:
    'The input holds ids 0 … input_dim − 1 (a vocabulary of input_dim tokens); each becomes a vector of output_dim ' +
    'numbers, so (batch, steps) → (batch, steps, output_dim). mask_zero is not supported.',
  arity: 'one',
  keras: {
    args: [
      'input_dim',
      'output_dim',
      'embeddings_initializer',
      'embeddings_regularizer',
      'embeddings_constraint',
      'mask_zero',
      'weights',
      'lora_rank',
      'lora_alpha',
      'quantization_config',
    ],
    config: [
      'input_dim',
      'output_dim',
      'embeddings_initializer',
      'embeddings_regularizer',
      'activity_regularizer',
      'embeddings_constraint',
      'mask_zero',
      'quantization_config',
    ],
  },
  fields: {
    input_dim: {
      type: 'int',
      default: 1000,
      min: 1,
      required: true,
      doc: 'Vocabulary size: the ids run from 0 to input_dim − 1.',
    },
    output_dim: { type: 'int', default: 64, min: 1, required: true, doc: 'Length of each embedding vector.' },
    embeddings_initializer: initializerField('random_uniform', 'Initializer of the (input_dim, output_dim) matrix.'),
    ...regularizerFields('embeddings'),
    activity_regularizer: activityRegularizerField,
    ...constraintFields('embeddings'),
  },
  outputShape(config, [input]) {
    return [...input, config.output_dim];
  },
  weights: ({ input_dim, output_dim }) => [
    { name: 'embeddings', shape: [input_dim, output_dim], trainable: true, initializer: 'embeddings_initializer' },
  ],
  keyArgs: (config) => `${config.input_dim} → ${config.output_dim}`,
  forward: (ctx, _config, [x], w) => ({ output: ctx.backend.embedding(x, w.embeddings) }),
  backward(ctx, _config, dy, { inputs: [x], weights: w, inputGradsNeeded }) {
    const dE = ctx.backend.embeddingGrad(dy, x, w.embeddings.shape).data;
    // Ids are not differentiable: Keras gives no gradient; a layer before it gets zeros.
    const inputs = inputGradsNeeded === false ? [] : [{ shape: x.shape, data: new Float32Array(x.data.length) }];
    return { inputs, weights: { embeddings: dE } };
  },
});
