// Layers with several outputs (LSTM's and GRU's return_state): Keras 3.15's own to_json() of a model whose states
// feed other layers reads with each connection on its output (keras_history ["lstm", 0, 2]) and writes back as Keras
// wrote it; the summary names them as Keras's "Connected to" does; a connection to an output a layer doesn't have is
// an error on the edge; what LayerCanvas can't draw (initial_state on a layer that has no states, a state as the model's output) is refused in one
// line where it is written. Values and gradients: sequence-keras-values.test.ts and text-model-step.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasJson, writeKerasJson } from '../../../engine/formats/keras-json';
import { importKerasPython } from '../../../engine/formats/keras-python';
import { infer } from '../../../engine/graph/inference';
import { summarize } from '../../../engine/graph/summary';

const KERAS_JSON = readFileSync(
  join(import.meta.dirname, '../../fixtures/keras-json/keras3.15-functional-return-state.json'),
  'utf8',
);

function read(text: string) {
  const r = readKerasJson(text);
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.document;
}

describe('layers with several outputs (return_state)', () => {
  it("reads Keras's to_json() with each connection on its output, and summarizes as Keras does", () => {
    const doc = read(KERAS_JSON);
    const s = summarize(doc);
    const row = (name: string) => s.layers.find((l) => l.name === name)!;
    expect(row('lstm').output_shapes).toEqual([
      [null, 12, 8],
      [null, 8],
      [null, 8],
    ]);
    expect(row('gru').output_shapes).toEqual([
      [null, 6],
      [null, 6],
    ]);
    expect(row('concatenate').connected_to).toEqual(['lstm[0][1]', 'lstm[0][2]', 'gru[0][1]']);
    expect(row('concatenate').output_shape).toEqual([null, 22]);
    expect(row('dense_1').output_shape).toEqual([null, 16]);
  });

  it('writes keras_history [name, 0, k] back as Keras wrote it', () => {
    const ours = JSON.parse(writeKerasJson(read(KERAS_JSON)));
    const keras = JSON.parse(KERAS_JSON);
    const inbound = (m: { config: { layers: { name: string; inbound_nodes: unknown }[] } }, name: string) =>
      m.config.layers.find((l) => l.name === name)!.inbound_nodes;
    for (const name of ['concatenate', 'gru', 'dense']) expect(inbound(ours, name)).toEqual(inbound(keras, name));
  });

  it('a connection from an output the layer does not have is an error on that edge', () => {
    const doc = read(KERAS_JSON);
    const gru = doc.nodes.find((n) => n.className === 'GRU')!;
    const edge = doc.edges.find((e) => e.source === gru.id && e.sourceOutput === 1)!;
    edge.sourceOutput = 2;
    const inference = infer(doc);
    const problem = inference.problems.find((p) => p.code === 'missing-output')!;
    expect(problem.message).toBe('gru has 2 outputs, so it has no output 2 to connect');
    expect(problem.edgeId).toBe(edge.id);
    expect(inference.badEdges.has(edge.id)).toBe(true);
    gru.config = { ...gru.config, return_state: false };
    expect(infer(doc).problems.find((p) => p.code === 'missing-output')?.hint).toBe(
      "turn on gru's return_state, or connect its first output",
    );
  });

  it('refuses initial_state on a layer other than LSTM and GRU, and a state as the model output in Keras JSON, at their paths', () => {
    const json = JSON.parse(KERAS_JSON);
    const gru = json.config.layers.find((l: { name: string }) => l.name === 'gru');
    gru.class_name = 'Dense';
    gru.config = { name: 'gru', units: 4 };
    gru.inbound_nodes[0].kwargs.initial_state = [gru.inbound_nodes[0].args[0]];
    json.config.output_layers = [['lstm', 0, 1]];
    const r = readKerasJson(JSON.stringify(json));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.message, e.path])).toEqual([
      [
        'layer "gru" (Dense) is called with an initial_state, which LayerCanvas computes for LSTM and GRU only',
        `config.layers[2].inbound_nodes[0].kwargs.initial_state`,
      ],
      [
        `output_layers names output 1 of "lstm": LayerCanvas takes a layer's first output as a model output`,
        'config.output_layers[0]',
      ],
    ]);
  });

  it.each([
    [
      'x, h, c = layers.LSTM(4, return_state=True)(inputs)\ny = layers.Dense(4)(x, initial_state=[h, c])',
      6,
      'initial_state',
    ],
    ['x, h = layers.GRU(4, return_state=True)(inputs)\ny = h', 7, 'outputs holds a layer'],
  ])('Python: %s is refused in one line', (code, line, message) => {
    const r = importKerasPython(
      `import keras\nfrom keras import layers\n\ninputs = keras.Input(shape=(5, 3))\n${code}\nmodel = keras.Model(inputs, y)\n`,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toContain(message);
    expect(r.errors[0].location?.line).toBe(line);
  });
});
