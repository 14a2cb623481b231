import { describe, expect, it } from 'vitest';
import { exportKerasPython, importKerasPython } from '../../../engine/formats/keras-python';
import { pythonFloat, pythonLiteral, pythonString } from '../../../engine/formats/python/literals';
import { chainDocument, makeNode } from '../../../engine/graph/build';
import type { ModelDocument } from '../../../engine/graph/document';
import { getTemplate } from '../../../engine/graph/templates';

describe('Python literals as Python prints them', () => {
  // Each expectation is what CPython's repr() prints for the same float.
  it.each([
    [0.001, '0.001'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [0.99, '0.99'],
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [-1.5, '-1.5'],
    [1 / 255, '0.00392156862745098'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'],
    [2.5e-7, '2.5e-07'],
    [1e300, '1e+300'],
    [5e-324, '5e-324'],
  ])('float %s → %s', (x, text) => {
    expect(pythonFloat(x)).toBe(text);
  });

  it('tuples, 1-tuples, nested tuples, None, booleans and strings', () => {
    expect(pythonLiteral([3, 3])).toBe('(3, 3)');
    expect(pythonLiteral([5])).toBe('(5,)');
    expect(
      pythonLiteral([
        [1, 2],
        [3, 4],
      ]),
    ).toBe('((1, 2), (3, 4))');
    expect(pythonLiteral([null, 28, 3])).toBe('(None, 28, 3)');
    expect(pythonLiteral(true)).toBe('True');
    expect(pythonLiteral(null)).toBe('None');
    expect(pythonString('say "hi"\\\n')).toBe('"say \\"hi\\"\\\\\\n"');
  });
});

describe('exported code reads the way Keras users write it', () => {
  it("the article's CNN template", () => {
    expect(exportKerasPython(getTemplate('article-cnn')!.build())).toBe(
      [
        'import keras',
        'from keras import layers',
        '',
        'model = keras.Sequential([',
        '    keras.Input(shape=(28, 28, 3)),',
        '    layers.Conv2D(32, (3, 3), activation="relu"),',
        '    layers.BatchNormalization(),',
        '    layers.Conv2D(32, (3, 3), activation="relu"),',
        '    layers.BatchNormalization(),',
        '    layers.MaxPooling2D(),',
        '    layers.Dense(2, activation="softmax"),',
        '])',
        '',
        'model.summary()',
        '',
      ].join('\n'),
    );
  });

  it("the residual block: one variable per layer, named after it, the shortcut as the Add's second input", () => {
    const code = exportKerasPython(getTemplate('residual-block')!.build());
    expect(code).toContain(
      [
        'input_layer = keras.Input(shape=(32, 32, 16))',
        'conv2d = layers.Conv2D(16, (3, 3), padding="same", use_bias=False)(input_layer)',
        'batch_normalization = layers.BatchNormalization()(conv2d)',
        'activation = layers.Activation("relu")(batch_normalization)',
        'conv2d_1 = layers.Conv2D(16, (3, 3), padding="same", use_bias=False)(activation)',
        'batch_normalization_1 = layers.BatchNormalization()(conv2d_1)',
        'add = layers.Add()([batch_normalization_1, input_layer])',
        'activation_1 = layers.Activation("relu")(add)',
        'global_average_pooling2d = layers.GlobalAveragePooling2D()(activation_1)',
        'dense = layers.Dense(10, activation="softmax")(global_average_pooling2d)',
        'model = keras.Model(inputs=input_layer, outputs=dense, name="residual_block")',
      ].join('\n'),
    );
  });

  it('only non-default arguments; required ones positionally; floats as floats; names and model name', () => {
    const doc = chainDocument(
      [
        { className: 'InputLayer', config: { shape: [10], batch_size: 8 }, name: 'features' },
        { className: 'Dense', config: { units: 64, use_bias: false, kernel_initializer: 'he_normal' }, name: 'hidden' },
        { className: 'BatchNormalization', config: { momentum: 0.9, epsilon: 1e-5 } },
        { className: 'Rescaling', config: { scale: 2, offset: 0.5 } },
        { className: 'Dropout', config: { rate: 0.5 } },
        { className: 'Reshape', config: { target_shape: [64] } },
        { className: 'Dense', config: { units: 1, activation: 'sigmoid', trainable: false } },
      ],
      'classifier',
    );
    expect(exportKerasPython(doc)).toContain(
      [
        'model = keras.Sequential([',
        '    keras.Input(shape=(10,), batch_size=8, name="features"),',
        '    layers.Dense(64, use_bias=False, kernel_initializer="he_normal", name="hidden"),',
        '    layers.BatchNormalization(momentum=0.9, epsilon=1e-05),',
        '    layers.Rescaling(2.0, offset=0.5),',
        '    layers.Dropout(0.5),',
        '    layers.Reshape((64,)),',
        '    layers.Dense(1, activation="sigmoid", trainable=False),',
        '], name="classifier")',
      ].join('\n'),
    );
  });

  it('a reciprocal such as 1/255 the way people write it, evaluating to the same float', () => {
    const doc = chainDocument([
      { className: 'InputLayer', config: { shape: [8, 8, 3] } },
      { className: 'Rescaling', config: { scale: 1 / 255 } },
      { className: 'Rescaling', config: { scale: 1 / 127.5, offset: -1 } },
      { className: 'Rescaling', config: { scale: 0.25 } },
    ]);
    const code = exportKerasPython(doc);
    expect(code).toContain(
      '    layers.Rescaling(1 / 255),\n    layers.Rescaling(0.00784313725490196, offset=-1.0),\n    layers.Rescaling(0.25),',
    );
    const back = importKerasPython(code);
    expect(back.ok && back.document.nodes.map((n) => n.config.scale)).toEqual([undefined, 1 / 255, 1 / 127.5, 0.25]);
  });

  it('2-D paddings as compactly as they are symmetric', () => {
    const code = exportKerasPython(
      chainDocument([
        { className: 'InputLayer', config: { shape: [8, 8, 1] } },
        {
          className: 'ZeroPadding2D',
          config: {
            padding: [
              [2, 2],
              [2, 2],
            ],
          },
        },
        {
          className: 'ZeroPadding2D',
          config: {
            padding: [
              [1, 1],
              [3, 3],
            ],
          },
        },
        {
          className: 'Cropping2D',
          config: {
            cropping: [
              [1, 0],
              [0, 2],
            ],
          },
        },
      ]),
    );
    expect(code).toContain(
      'layers.ZeroPadding2D(padding=2),\n    layers.ZeroPadding2D(padding=(1, 3)),\n    layers.Cropping2D(cropping=((1, 0), (0, 2))),',
    );
  });
});

describe('a document with problems still exports', () => {
  const broken: ModelDocument = {
    name: 'broken',
    nodes: [
      makeNode('i', { className: 'InputLayer', config: { shape: [4, 4, 1] } }),
      makeNode('c', { className: 'Conv2D', config: { filters: 2, kernel_size: [5, 5] } }),
      makeNode('u', { className: 'SimpleRNN', config: { units: 3 } }),
      makeNode('d', { className: 'Dense', config: { units: 2 } }),
    ],
    edges: [
      { id: 'e0', source: 'i', target: 'c' },
      { id: 'e1', source: 'c', target: 'u' },
      { id: 'e2', source: 'u', target: 'd' },
      { id: 'e3', source: 'gone', target: 'd' },
    ],
  };

  it('lists the problems in a comment on top, and writes what it can', () => {
    const code = exportKerasPython(broken);
    const lines = code.split('\n');
    expect(lines[0]).toBe('# LayerCanvas: this model has 3 problems; Keras will refuse it until they are fixed:');
    expect(lines).toContain(
      "# - conv2d: kernel_size (5, 5) is larger than the input (4, 4) with padding='valid': the output would be empty (use padding='same', a smaller kernel_size, or fewer shrinking layers before Conv2D)",
    );
    expect(lines).toContain(
      "# - simple_rnn: 'SimpleRNN' is not a layer LayerCanvas knows (replace it with a supported layer from the palette)",
    );
    expect(code).toContain(
      [
        '    keras.Input(shape=(4, 4, 1)),',
        '    layers.Conv2D(2, (5, 5)),',
        '    # layers.SimpleRNN(),  # not a layer LayerCanvas knows',
        '    layers.Dense(2),',
      ].join('\n'),
    );
    const functional = exportKerasPython({ ...broken, modelClass: 'Functional' });
    expect(functional).toContain(
      'conv2d = layers.Conv2D(2, (5, 5))(input_layer)\n# simple_rnn = layers.SimpleRNN()  # not a layer LayerCanvas knows',
    );
    // The code runs as far as Python goes: the comment lines and the disconnected layer don't stop the reader.
    const back = importKerasPython(code);
    expect(back.ok).toBe(true);
  });

  it('never throws, whatever the document holds', () => {
    const odd: ModelDocument[] = [
      { name: '', nodes: [], edges: [] },
      broken,
      {
        name: 'cycle',
        nodes: [makeNode('a', { className: 'Dense' }), makeNode('b', { className: 'Add' })],
        edges: [
          { id: 'x', source: 'a', target: 'b' },
          { id: 'y', source: 'b', target: 'a' },
        ],
      },
      {
        name: 'x"\n',
        nodes: [
          { id: 'i', className: 'InputLayer', config: {} },
          { id: 'd', className: 'Dense', config: { units: 2.5, activation: 7 }, name: 'we ird' },
        ],
        edges: [{ id: 'e', source: 'i', target: 'd' }],
      },
      { name: 'weird class', nodes: [{ id: 'k', className: 'not a class!', config: {} }], edges: [] },
    ];
    for (const doc of odd) {
      const code = exportKerasPython(doc);
      expect(code).toContain('model.summary()');
      expect(() => importKerasPython(code)).not.toThrow();
    }
  });
});
