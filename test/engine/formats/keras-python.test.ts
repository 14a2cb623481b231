import { describe, expect, it } from 'vitest';
import { importKerasPython, kerasPython } from '../../../engine/formats/keras-python';
import type { ModelDocument } from '../../../engine/graph/document';
import { infer } from '../../../engine/graph/inference';
import { summarize } from '../../../engine/graph/summary';
import { errors, fixture, imported, names } from './python-import-helpers';

/** Edges as `source → target` by effective layer name, in document order (merge inputs keep their order). */
function links(doc: ModelDocument): string[] {
  const inf = infer(doc);
  return doc.edges.map((e) => `${inf.nodes.get(e.source)!.name} → ${inf.nodes.get(e.target)!.name}`);
}

describe("the BatchNorm article's snippets", () => {
  it('imports the MLP with 898 parameters, as Keras counts them', () => {
    const doc = imported(fixture('article-mlp.py'));
    const s = summarize(doc);
    expect(doc.modelClass).toBe('Sequential');
    expect(doc.name).toBe('sequential');
    // Dense(16) on (1, 5): 5·16+16; BN: 4·16; Dense(32): 16·32+32; BN: 4·32; Dense(2): 32·2+2.
    expect(s.layers.map((l) => l.params)).toEqual([96, 64, 544, 128, 66]);
    expect(s.total_params).toBe(898);
    expect(s.layers.at(-1)!.output_shape).toEqual([null, 1, 2]);
  });

  it('reports the missing comma of the CNN snippet at `activation`, with the argument to put it after', () => {
    const r = importKerasPython(fixture('article-cnn.py'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    // Line 4 is `Conv2D(32, (3,3), input_shape=(28, 28, 3) activation='relu'),`; `activation` starts at column 43.
    expect(r.errors[0]).toEqual({
      message: 'missing comma between arguments',
      hint: "add ',' after input_shape=(28, 28, 3)",
      location: { line: 4, column: 43 },
    });
  });

  it('with the comma added, the CNN gives (None, 12, 12, 2) and 10,466 / 10,338 / 128 parameters', () => {
    const doc = imported(fixture('article-cnn.py').replace('(28, 28, 3) activation', '(28, 28, 3), activation'));
    const s = summarize(doc);
    expect(s.layers.at(-1)!.output_shape).toEqual([null, 12, 12, 2]);
    // conv 3·3·3·32+32, BN 4·32, conv 3·3·32·32+32, BN 4·32, Dense 32·2+2; BN's moving statistics are non-trainable.
    expect(s.layers.map((l) => l.params)).toEqual([896, 128, 9248, 128, 0, 66]);
    expect([s.total_params, s.trainable_params, s.non_trainable_params]).toEqual([10466, 10338, 128]);
    expect(infer(doc).errorCount).toBe(0);
  });
});

describe('positional arguments follow the Keras 3 constructor order; keywords go by name', () => {
  const cases: [string, Record<string, unknown>][] = [
    [
      'layers.Conv2D(64, (5, 3), (2, 1), "same")',
      { filters: 64, kernel_size: [5, 3], strides: [2, 1], padding: 'same' },
    ],
    [
      'layers.Conv2D(8, 3, 1, "valid", None, 2, 2, "relu", False)',
      { filters: 8, kernel_size: [3, 3], dilation_rate: [2, 2], groups: 2, activation: 'relu', use_bias: false },
    ],
    [
      'layers.Conv2D(filters=4, kernel_size=1, data_format="channels_last", activation=None)',
      { filters: 4, kernel_size: [1, 1], activation: 'linear' },
    ],
    ['layers.Dense(10, "softmax", False)', { units: 10, activation: 'softmax', use_bias: false }],
    [
      'layers.Dense(units=4, activation=None, kernel_initializer="he_normal")',
      { units: 4, activation: 'linear', kernel_initializer: 'he_normal' },
    ],
    [
      'layers.DepthwiseConv2D(3, 2, "same", 2)',
      { kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: 2 },
    ],
    [
      'layers.SeparableConv2D(16, 3, 1, "same", "channels_last", 1, 2)',
      { filters: 16, kernel_size: [3, 3], padding: 'same', depth_multiplier: 2 },
    ],
    ['layers.MaxPooling2D(3, 1, "same")', { pool_size: [3, 3], strides: [1, 1], padding: 'same' }],
    ['layers.MaxPooling2D()', { pool_size: [2, 2], strides: null, padding: 'valid' }],
    ['layers.AveragePooling2D(pool_size=2, strides=2)', { pool_size: [2, 2], strides: null }],
    ['layers.GlobalAveragePooling2D(None, True)', { keepdims: true }],
    ['layers.GlobalMaxPooling2D(keepdims=True)', { keepdims: true }],
    [
      'layers.BatchNormalization(-1, 0.9, 1e-5, False, False)',
      { axis: -1, momentum: 0.9, epsilon: 1e-5, center: false, scale: false },
    ],
    ['layers.Dropout(0.3, None, 7)', { rate: 0.3, seed: 7 }],
    ['layers.SpatialDropout2D(0.2, "channels_last", 3)', { rate: 0.2, seed: 3 }],
    ['layers.Activation("tanh")', { activation: 'tanh' }],
    ['layers.Activation(None)', { activation: 'linear' }],
    ['layers.Reshape((16, 16))', { target_shape: [16, 16] }],
    ['layers.Reshape(target_shape=(-1,))', { target_shape: [-1] }],
    [
      'layers.ZeroPadding2D(2)',
      {
        padding: [
          [2, 2],
          [2, 2],
        ],
      },
    ],
    [
      'layers.ZeroPadding2D((1, 2))',
      {
        padding: [
          [1, 1],
          [2, 2],
        ],
      },
    ],
    [
      'layers.ZeroPadding2D(((1, 2), (3, 4)))',
      {
        padding: [
          [1, 2],
          [3, 4],
        ],
      },
    ],
    [
      'layers.Cropping2D(((1, 1), (2, 0)))',
      {
        cropping: [
          [1, 1],
          [2, 0],
        ],
      },
    ],
    ['layers.UpSampling2D(2, None, "bilinear")', { size: [2, 2], interpolation: 'bilinear' }],
    ['layers.LeakyReLU(0.2)', { negative_slope: 0.2 }],
    ['layers.LeakyReLU(alpha=0.1)', { negative_slope: 0.1 }],
    ['layers.ReLU(6.0, 0.1, 0.5)', { max_value: 6, negative_slope: 0.1, threshold: 0.5 }],
    ['layers.Rescaling(1./255, -1)', { scale: 1 / 255, offset: -1 }],
    ['layers.Rescaling(scale=1 / 127.5, offset=-1)', { scale: 1 / 127.5, offset: -1 }],
    ['layers.Softmax(axis=1)', { axis: 1 }],
    ['layers.Flatten(data_format="channels_last")', {}],
    ['layers.Dense(8, trainable=False)', { trainable: false }],
  ];
  it.each(cases)('%s', (expr, config) => {
    const doc = imported(
      `import keras\nfrom keras import layers\nmodel = keras.Sequential([keras.Input(shape=(8, 8, 4)), ${expr}])\n`,
    );
    expect(doc.nodes).toHaveLength(2);
    expect(doc.nodes[1].config).toMatchObject(config);
  });

  it('Concatenate(axis) positionally, and the functional helpers add()/concatenate()', () => {
    const doc = imported(`import keras
from keras import layers
a = keras.Input(shape=(4, 4, 2))
b = layers.Conv2D(3, 1)(a)
c = layers.Concatenate(1)([a, a])
d = layers.concatenate([a, b], axis=-1, name="joined")
e = layers.add([b, layers.Conv2D(3, 1)(a)])
model = keras.Model(a, [c, d, e])
`);
    const byClass = (c: string) => doc.nodes.filter((n) => n.className === c);
    expect(byClass('Concatenate').map((n) => [n.config.axis, n.name])).toEqual([
      [1, undefined],
      [-1, 'joined'],
    ]);
    expect(byClass('Add')).toHaveLength(1);
    // Python evaluates the list before add() makes its layer, so the inner Conv2D is made (and named) first.
    expect(links(doc)).toEqual([
      'input_layer → conv2d',
      'input_layer → concatenate',
      'input_layer → concatenate',
      'input_layer → joined',
      'conv2d → joined',
      'input_layer → conv2d_1',
      'conv2d → add',
      'conv2d_1 → add',
    ]);
  });

  it('names, input_shape, batch_input_shape and input_dim make the input Keras makes', () => {
    const a = imported('import keras\nm = keras.Sequential([keras.layers.Dense(3, input_dim=7, name="hidden")])');
    expect(a.nodes.map((n) => [n.className, n.name, n.config.shape ?? n.config.units])).toEqual([
      ['InputLayer', undefined, [7]],
      ['Dense', 'hidden', 3],
    ]);
    const b = imported('import keras\nm = keras.Sequential([keras.layers.Flatten(batch_input_shape=(16, 28, 28))])');
    expect(b.nodes[0].config).toEqual({ shape: [28, 28], batch_size: 16, dtype: 'float32' });
    const c = imported(
      'from keras.layers import InputLayer, Dense\nfrom keras.models import Sequential\nm = Sequential([InputLayer(input_shape=(5,)), Dense(1)])',
    );
    expect(c.nodes[0].config.shape).toEqual([5]);
  });
});

describe('the import spellings people paste', () => {
  it.each([
    ['import keras\nfrom keras import layers', 'layers.Dense'],
    ['import keras', 'keras.layers.Dense'],
    ['import tensorflow as tf', 'tf.keras.layers.Dense'],
    ['from tensorflow import keras', 'keras.layers.Dense'],
    ['from tensorflow.keras import layers as L', 'L.Dense'],
    ['import tensorflow.keras.layers as L', 'L.Dense'],
    ['from tensorflow.keras.layers import Dense', 'Dense'],
    ['from keras.layers import *', 'Dense'],
    ['from keras.layers import Dense as FC', 'FC'],
  ])('%s then %s(…)', (imports, dense) => {
    const seq = imports.includes('tf') && !imports.includes('from') ? 'tf.keras.Sequential' : 'Seq';
    const code = `${imports}\nfrom tensorflow.keras.models import Sequential as Seq\nimport tensorflow as tf\nmodel = ${seq}([${dense}(4, input_shape=(3,))])\n`;
    const doc = imported(code);
    expect(doc.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Dense']);
  });

  it('reads a Keras 2 MNIST script with data loading, model.add, compile and summary around the model', () => {
    const doc = imported(fixture('tf-keras2-mnist.py'));
    expect(doc.nodes.map((n) => n.className)).toEqual([
      'InputLayer',
      'Conv2D',
      'LeakyReLU',
      'MaxPooling2D',
      'Dropout',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    expect(doc.nodes[2].config.negative_slope).toBe(0.1);
    expect(doc.nodes[7].config.units).toBe(10);
    const s = summarize(doc);
    // conv 3·3·1·32+32; Dense 13·13·32·128+128; Dense 128·10+10.
    expect(s.total_params).toBe(320 + 692352 + 1290);
  });

  it('comments, blank lines, backslash continuations, semicolons and trailing commas', () => {
    const doc = imported(`# a model
import keras  # Keras 3

model = keras.Sequential()  ;  model.add(keras.Input((4,),))
model.add(keras.layers.Dense(2 * 4, \\
                             activation="relu",))
`);
    expect(doc.nodes.map((n) => n.config.units ?? n.config.shape)).toEqual([[4], 8]);
  });

  it('code pasted with every line indented alike, a byte-order mark, Windows line ends', () => {
    const doc = imported(
      '\uFEFF    import keras\r\n    m = keras.Sequential([keras.Input((3,)),\r\n        keras.layers.Dense(2)])\r\n',
    );
    expect(doc.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Dense']);
    expect(
      errors('    import keras\r\n    m = keras.Sequential([keras.layers.Dense(2, activation=relu)])\r\n'),
    ).toEqual(["2:60 name 'relu' is not defined"]);
  });

  it('Keras 2 module paths: layers.experimental.preprocessing, advanced_activations', () => {
    const doc = imported(`import tensorflow as tf
from tensorflow.keras.layers.experimental import preprocessing
from keras.layers.advanced_activations import LeakyReLU
m = tf.keras.Sequential([preprocessing.Rescaling(1./255, input_shape=(3,)), LeakyReLU()])`);
    expect(doc.nodes.map((n) => n.className)).toEqual(['InputLayer', 'Rescaling', 'LeakyReLU']);
  });

  it('model.build(batch_shape) gives a Sequential its input', () => {
    const doc = imported('import keras\nmodel = keras.Sequential([keras.layers.Dense(4)])\nmodel.build((None, 16))\n');
    expect(summarize(doc).total_params).toBe(16 * 4 + 4);
  });

  it('a Sequential without any input shape imports, with a warning naming the fix', () => {
    const r = importKerasPython('import keras\nmodel = keras.Sequential([keras.layers.Dense(4)])\n');
    expect(r.ok && r.warnings.map((w) => `${w.location?.line}:${w.location?.column} ${w.message}`)).toEqual([
      '2:15 the model has no input shape',
    ]);
  });
});

describe('functional code', () => {
  it('wires the residual block as written: the Add takes the main path first, then the shortcut', () => {
    const doc = imported(fixture('residual-functional.py'));
    expect(doc.modelClass).toBe('Functional');
    expect(doc.name).toBe('residual_block');
    expect(names(doc)).toEqual([
      'img',
      'conv2d',
      'batch_normalization',
      'activation',
      'conv2d_1',
      'batch_normalization_1',
      'add',
      'activation_1',
      'global_average_pooling2d',
      'dense',
    ]);
    expect(links(doc)).toEqual([
      'img → conv2d',
      'conv2d → batch_normalization',
      'batch_normalization → activation',
      'activation → conv2d_1',
      'conv2d_1 → batch_normalization_1',
      'batch_normalization_1 → add',
      'img → add',
      'add → activation_1',
      'activation_1 → global_average_pooling2d',
      'global_average_pooling2d → dense',
    ]);
    const s = summarize(doc);
    // two 3·3·16·16 convolutions without bias, two BNs of 4·16 (2·16 non-trainable each), Dense 16·10+10.
    expect([s.total_params, s.non_trainable_params]).toEqual([2 * 2304 + 2 * 64 + 170, 64]);
  });

  it('a layer object assigned first and called later is one node; Model(inputs, outputs) positionally', () => {
    const doc = imported(`import keras
from keras import layers
inp = keras.Input((8,))
hidden = layers.Dense(5, activation="relu")
out = hidden(inp)
model = keras.Model(inp, out)
`);
    expect(doc.name).toBe('functional');
    expect(links(doc)).toEqual(['input_layer → dense']);
  });

  it('from keras import layers, Input, Model; layers.Input; several inputs and outputs as lists', () => {
    const doc = imported(`from keras import layers, Input, Model
a = Input(shape=(4,), name="a")
b = layers.Input(shape=(4,), name="b")
s = layers.Subtract()([b, a])
m = layers.Maximum()([a, b])
model = Model(inputs=[a, b], outputs=[s, m], name="two_heads")
`);
    expect(doc.name).toBe('two_heads');
    expect(links(doc)).toEqual(['b → subtract', 'a → subtract', 'a → maximum', 'b → maximum']);
    expect(infer(doc).outputs.map((id) => doc.nodes.find((n) => n.id === id)!.className)).toEqual([
      'Subtract',
      'Maximum',
    ]);
  });

  it('input_shape where Keras ignores it gives a warning, not a silent drop', () => {
    const seq = importKerasPython(
      'import keras\nm = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), keras.layers.Dense(1, input_shape=(2,))])',
    );
    expect(seq.ok && seq.warnings.map((w) => `${w.location?.line}:${w.location?.column} ${w.message}`)).toEqual([
      '2:86 input_shape on Dense is ignored: only the first layer of a Sequential model sets its input',
    ]);
    const fn = importKerasPython(
      'import keras\ni = keras.Input((3,))\nx = keras.layers.Dense(2, input_shape=(3,))(i)\nm = keras.Model(i, x)',
    );
    expect(fn.ok && fn.warnings.map((w) => `${w.location?.line}:${w.location?.column} ${w.message}`)).toEqual([
      '3:27 input_shape on Dense is ignored: in a functional model the input comes from the tensor it is called on',
    ]);
  });

  it('layers that do not lead to the outputs are left out with a warning, never silently', () => {
    const r = importKerasPython(`import keras
a = keras.Input((3,))
x = keras.layers.Dense(2)(a)
side = keras.layers.Dense(9)(a)
never = keras.layers.Dense(1)
m = keras.Model(a, x)
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.nodes.map((n) => n.config.units ?? 'input')).toEqual(['input', 2]);
    expect(r.warnings.map((w) => `${w.location?.line}:${w.location?.column} ${w.message}`)).toEqual([
      "4:21 the layer Dense does not lead to the model's outputs; it is left out",
      "5:22 the layer 'never' is made but never used; it is left out",
    ]);
  });
});

describe('errors point at the offending token', () => {
  const cases: [string, string, string[]][] = [
    [
      'unknown keyword with a suggestion',
      'import keras\nm = keras.Sequential([keras.layers.Conv2D(filter=32, kernel_size=3)])',
      ["2:43 Conv2D has no argument 'filter'"],
    ],
    [
      'unknown layer class',
      'import keras\nfrom keras import layers\nm = keras.Sequential([layers.SimpleRNN(32)])',
      ['3:30 SimpleRNN is not a layer LayerCanvas supports'],
    ],
    [
      'a value the layer rules refuse, at the value',
      'import keras\nm = keras.Sequential([keras.layers.Dropout(1.5)])',
      ['2:44 rate must be less than 1, got 1.5'],
    ],
    [
      'a bad enum value',
      'import keras\nm = keras.Sequential([keras.layers.Dense(3, activation="relu7")])',
      [
        "2:56 activation must be one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'relu6', 'gelu', 'silu', 'swish', 'leaky_relu', 'hard_sigmoid', 'hard_silu', 'hard_swish', 'exponential', 'mish', 'log_softmax', 'celu', 'hard_tanh', 'log_sigmoid', 'tanh_shrink', 'squareplus', 'sparse_plus', 'sparse_sigmoid', 'soft_shrink', 'hard_shrink', got 'relu7'",
      ],
    ],
    [
      'a missing required argument, at the class',
      'import keras\nm = keras.Sequential([keras.layers.Dense()])',
      ["2:36 Dense needs 'units'"],
    ],
    [
      'too many positional arguments',
      'import keras\nm = keras.Sequential([keras.layers.Dropout(0.1, None, 1, 2)])',
      ['2:58 Dropout takes at most 3 positional arguments (rate, noise_shape, seed), got more'],
    ],
    [
      'channels_first',
      'import keras\nm = keras.Sequential([keras.layers.Flatten(data_format="channels_first")])',
      ["2:56 data_format='channels_first' is not supported"],
    ],
    ['an undefined name', 'import keras\nm = keras.Sequential([Dense(3)])', ["2:23 name 'Dense' is not defined"]],
    [
      'an undefined variable as an argument',
      'import keras\nm = keras.Sequential([keras.layers.Dense(units)])',
      ["2:42 name 'units' is not defined"],
    ],
    [
      'weight sharing',
      'import keras\ni = keras.Input((3,))\nd = keras.layers.Dense(3)\nx = d(i)\ny = d(x)\nm = keras.Model(i, y)',
      [
        "5:5 the layer 'd' is already used at line 4; calling one layer twice shares its weights, which LayerCanvas does not support",
      ],
    ],
    [
      'arithmetic on tensors',
      'import keras\ni = keras.Input((3,))\nx = i / i\nm = keras.Model(i, x)',
      ["3:5 '/' on tensors is not supported"],
    ],
    [
      'a custom regularizer or constraint, by its argument',
      'import keras\ndef my_l3(w):\n    return 0.01 * keras.ops.sum(w ** 3)\nm = keras.Sequential([keras.layers.Dense(2, kernel_regularizer=my_l3, bias_constraint=keras.constraints.Clip())])',
      [
        '4:105 keras.constraints.Clip is not a constraint LayerCanvas computes',
        '4:64 kernel_regularizer=my_l3 is not a regularizer LayerCanvas computes',
      ],
    ],
    [
      'with and try blocks, each once at its keyword',
      'with open("f") as f:\n    pass\ntry:\n    x = 1\nexcept Exception:\n    x = 2\n',
      ["1:1 'with' blocks are not supported", "3:1 'try' blocks are not supported"],
    ],
    [
      'a custom layer subclass',
      'import keras\nclass Scale(keras.layers.Layer):\n    def call(self, x):\n        return x * 2\n',
      ["2:1 the custom layer subclass 'Scale' is not supported"],
    ],
    ['a lambda', 'import keras\nf = lambda x: x', ['2:5 lambda functions are not supported']],
    [
      'a dict comprehension',
      'import keras\nd = {n: n for n in (4, 2)}',
      ['2:11 set and dict comprehensions are not supported'],
    ],
    [
      'an unclosed bracket, at the opener',
      'import keras\nm = keras.Sequential([\n    keras.layers.Dense(2)\nm.summary()\n',
      ["2:22 '[' is never closed"],
    ],
    [
      'a wrong closer',
      'import keras\nm = keras.Sequential([\n    keras.layers.Dense(2,\n])\n',
      ["4:1 ']' does not match the '(' opened at line 3, column 23"],
    ],
    [
      'a missing comma between list items',
      'import keras\nm = keras.Sequential([keras.layers.Dense(2) keras.layers.Dense(3)])',
      ['2:45 missing comma between list items'],
    ],
    [
      'curly quotes from a web page',
      'import keras\nm = keras.Sequential([keras.layers.Dense(2, activation=\u2018relu\u2019)])',
      ["2:56 invalid character '\u2018' (U+2018)", "2:61 invalid character '\u2019' (U+2019)"],
    ],
    [
      'an unterminated string',
      'import keras\nm = keras.layers.Dense(2, activation="relu)\n',
      ['2:38 this string is never closed'],
    ],
    ['unexpected indentation', 'import keras\n  m = 1\n', ['2:3 unexpected indentation']],
    [
      'two statements on one line',
      'import keras\nm = keras.Sequential() m.summary()',
      ["2:24 unexpected 'm' after m = keras.Sequential()"],
    ],
    [
      'assigning into the model',
      'import keras\nm = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\nm.layers[0].trainable = False',
      ['3:1 assigning to m.layers[0].trainable is not supported'],
    ],
    ['no model at all', 'import keras\nx = 3\n', ['1:1 no Keras model found in this code']],
    [
      'a misspelt model class',
      'import keras\nm = keras.Sequencial([keras.layers.Dense(2)])',
      ["2:11 Keras has no 'Sequencial'"],
    ],
    [
      'a layer class in the wrong case',
      'import keras\nm = keras.Sequential([keras.layers.dense(2)])',
      ['2:36 dense is not a layer LayerCanvas supports'],
    ],
    [
      'JSON spellings of Python constants',
      'import keras\nm = keras.Sequential([keras.layers.Dense(2, use_bias=false)])',
      ["2:54 name 'false' is not defined"],
    ],
    [
      'a missing ")" at the end of a line: one error, not its echoes',
      'import keras\nmodel = keras.Sequential([\n    keras.layers.Dense(16, activation="relu",\n    keras.layers.Dense(2)\n])',
      ["5:1 ']' does not match the '(' opened at line 3, column 23"],
    ],
    [
      'one ")" too many',
      'import keras\nmodel = keras.Sequential([keras.layers.Dense(2))])',
      ["2:48 ')' does not match the '[' opened at line 2, column 26"],
    ],
    [
      'keras.Input without a shape, named as written',
      'import keras\ni = keras.Input(name="x")',
      ["2:11 Input needs 'shape'"],
    ],
    [
      'a line indented less than the first',
      '  import keras\nm = 1\n',
      ['2:1 this line is indented less than the first line'],
    ],
  ];
  it.each(cases)('%s', (_what, code, expected) => {
    expect(errors(code)).toEqual(expected);
  });

  it('hints say what to do: did-you-mean, similar layers, the import to add', () => {
    const hint = (code: string) => {
      const r = importKerasPython(code);
      return r.ok ? '' : r.errors[0].hint;
    };
    expect(hint('import keras\nm = keras.Sequential([keras.layers.Conv2D(filter=32, kernel_size=3)])')).toBe(
      "did you mean 'filters'?",
    );
    expect(hint('import keras\nm = keras.Sequential([keras.layers.Conv3D(8, 3)])')).toContain('Conv2D');
    expect(hint('import keras\nm = keras.Sequential([keras.layers.MaxPooling3D()])')).toContain('MaxPooling2D');
    expect(hint('import keras\nm = keras.Sequential([Dense(3)])')).toBe('import it: from keras.layers import Dense');
    expect(hint('import keras\nm = keras.Sequencial([])')).toBe('did you mean Sequential?');
    expect(hint('import keras\nm = keras.Sequential([keras.layers.Dense(2, activation=relu)])')).toBe(
      'write it as a string: "relu"',
    );
    expect(hint('import keras\nm = keras.Sequential([keras.layers.dense(2)])')).toBe(
      'similar layers LayerCanvas has: Dense',
    );
    expect(hint('import keras\nm = keras.Sequential([keras.layers.Dense(2, use_bias=false)])')).toBe(
      "did you mean 'False'?",
    );
    expect(hint('import keras\nm = keras.Sequential([keras.layers.Dense(2))])')).toBe(
      "close that '[' with ']' first, or remove this ')' if it is one too many",
    );
    expect(hint('import keras\nm = keras.Sequential([\n    keras.layers.Dense(2)\n')).toBe(
      "add the matching ']' (then ')' for the '(' at line 2, column 21)",
    );
  });

  it('never throws: every error is data with a location', () => {
    for (const code of [
      '',
      '(',
      ')',
      '"',
      "'''",
      '\\',
      'import',
      'from',
      'from keras import',
      'x = ',
      '@',
      'Dense(',
      '[' + '('.repeat(500),
      '-'.repeat(5000) + '1',
    ]) {
      const r = importKerasPython(code);
      expect(r.ok).toBe(false);
      if (!r.ok) for (const e of r.errors) expect(e.location).toBeDefined();
    }
  });
});

describe('the format object', () => {
  it('recognizes Keras code and not JSON', () => {
    expect(kerasPython.id).toBe('keras-py');
    expect(kerasPython.extensions).toEqual(['.py']);
    expect(kerasPython.match(fixture('article-mlp.py'))).toBe(true);
    expect(kerasPython.match('{"class_name": "Sequential"}', 'model.json')).toBe(false);
    expect(kerasPython.match('x = 1\n', 'model.py')).toBe(true);
    expect(kerasPython.read(fixture('article-mlp.py')).ok).toBe(true);
  });
});
