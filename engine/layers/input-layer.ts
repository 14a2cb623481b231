import { defineLayer } from './define';
import { tupleText } from './fields';

export const InputLayer = defineLayer({
  className: 'InputLayer',
  group: 'Input',
  namePrefix: 'input_layer',
  label: 'Input',
  description: 'The model input: a batch of tensors of the given shape (the batch size stays None).',
  details:
    'keras.Input(shape=...) creates one. The shape excludes the batch axis: images are (height, width, channels).',
  arity: 'none',
  keras: {
    args: ['shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'batch_shape', 'input_tensor', 'optional', 'name'],
    renamed: { input_shape: 'shape' },
  },
  fields: {
    shape: {
      type: 'shape',
      default: [28, 28, 1],
      allowNone: true,
      required: true,
      doc: 'Shape of one sample, without the batch axis, e.g. (28, 28, 1) for a grey 28×28 image.',
    },
    batch_size: {
      type: 'int',
      default: null,
      min: 1,
      nullable: true,
      advanced: true,
      doc: 'A fixed batch size; None accepts any.',
    },
    dtype: {
      type: 'enum',
      options: ['float32', 'int32', 'int64'],
      default: 'float32',
      nullable: true,
      advanced: true,
      doc: 'None is float32. int32 or int64 for token ids fed to an Embedding; LayerCanvas computes with them as whole numbers.',
    },
  },
  outputShape: (config) => [config.batch_size, ...config.shape],
  keyArgs: (config) => tupleText(config.shape),
});
