/**
 * ONNX export (opset 17): the inference graph with its weights, input NHWC as the model's (batch dynamic).
 * Tensors stay in Keras's channels-last layout; the ops ONNX defines only for NCHW (Conv, pooling) are wrapped in
 * Transposes, which onnxruntime folds away. BatchNormalization is written in inference form (moving statistics,
 * (x - mean) * gamma / sqrt(var + epsilon) + beta on the last axis); Dropout is removed. A layer without an ONNX
 * form is refused by name. test/engine/formats/onnx.test.ts runs the file in onnxruntime-node.
 */
import type { ModelDocument } from '../graph/document';
import { infer, type Inference } from '../graph/inference';
import { resolveAxis } from '../layers/batch-normalization';
import { getLayer } from '../layers/registry';
import type { LayerConfig } from '../layers/types';
import { type Bytes, bytes, concat, float32, int, msg, str } from './protobuf';
import type { ModelFormat, WriteRefusal } from './types';
import { refuseErrors } from './write-refusal';

// ---------- the protobuf messages of onnx.proto the graph needs ----------

type Attr = number | number[] | { float: number } | { floats: number[] } | { text: string } | { texts: string[] };

function attribute(name: string, value: Attr): Bytes {
  if (typeof value === 'object' && 'floats' in value)
    return msg(5, [str(1, name), ...value.floats.map((f) => float32(7, f)), int(20, 6)]);
  if (typeof value === 'object' && 'texts' in value)
    return msg(5, [str(1, name), ...value.texts.map((t) => str(9, t)), int(20, 8)]);
  if (typeof value === 'object' && 'text' in value) return msg(5, [str(1, name), str(4, value.text), int(20, 3)]);
  if (Array.isArray(value)) return msg(5, [str(1, name), ...value.map((v) => int(8, v)), int(20, 7)]);
  if (typeof value === 'number') return msg(5, [str(1, name), int(3, value), int(20, 2)]);
  return msg(5, [str(1, name), float32(2, value.float), int(20, 1)]);
}

function tensorProto(name: string, dims: number[], data: Float32Array | BigInt64Array): Bytes {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return msg(5, [
    ...dims.map((d) => int(1, d)),
    int(2, data instanceof Float32Array ? 1 : 7),
    str(8, name),
    bytes(9, raw),
  ]);
}

function valueInfo(field: number, name: string, shape: readonly (number | null)[]): Bytes {
  const dims = shape.map((d) => msg(1, [d === null ? str(2, 'batch') : int(1, d)]));
  return msg(field, [str(1, name), msg(2, [msg(1, [int(1, 1), msg(2, dims)])])]);
}

// ---------- the graph ----------

class Graph {
  nodes: Bytes[] = [];
  initializers: Bytes[] = [];
  private count = 0;

  constant(hint: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const name = `${hint}_${this.count++}`;
    this.initializers.push(tensorProto(name, dims, data));
    return name;
  }

  op(type: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string | string[]): string {
    const outs = Array.isArray(output) ? output : [output ?? `${type.toLowerCase()}_${this.count++}`];
    const out = outs.find(Boolean)!;
    this.nodes.push(
      msg(1, [
        ...inputs.map((i) => str(1, i)),
        ...outs.map((o) => str(2, o)),
        str(3, out),
        str(4, type),
        ...Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      ]),
    );
    return out;
  }

  /** An NCHW-only op on an NHWC tensor (rank 4), or an NCL-only op on an NLC tensor (rank 3). */
  nchw(type: string, x: string, extra: string[], attrs: Record<string, Attr>, output?: string, rank = 4): string {
    const [first, back] =
      rank === 3
        ? [
            [0, 2, 1],
            [0, 2, 1],
          ]
        : [
            [0, 3, 1, 2],
            [0, 2, 3, 1],
          ];
    const t = this.op('Transpose', [x], { perm: first });
    return this.op('Transpose', [this.op(type, [t, ...extra], attrs)], { perm: back }, output);
  }

  scalar(hint: string, value: number): string {
    return this.constant(hint, [], f32([value]));
  }

  ints(hint: string, values: number[]): string {
    return this.constant(hint, [values.length], BigInt64Array.from(values.map(BigInt)));
  }
}

const f32 = (values: ArrayLike<number>) => Float32Array.from(values);

/** TensorFlow's 'same' padding of one axis: the extra one goes after. */
function samePads(size: number, k: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + dilation * (k - 1) + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const pair = (config: LayerConfig, key: string): [number, number] => {
  const v = config[key];
  return (Array.isArray(v) ? v : [v, v]) as [number, number];
};

function activation(g: Graph, x: string, name: string, output: string, alpha?: number): string {
  switch (name) {
    case 'linear':
      return g.op('Identity', [x], {}, output);
    case 'relu':
      return g.op('Relu', [x], {}, output);
    case 'sigmoid':
      return g.op('Sigmoid', [x], {}, output);
    case 'tanh':
      return g.op('Tanh', [x], {}, output);
    case 'softmax':
      return g.op('Softmax', [x], { axis: -1 }, output);
    case 'elu':
      return g.op('Elu', [x], { alpha: { float: alpha ?? 1 } }, output);
    case 'selu':
      return g.op('Selu', [x], { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } }, output);
    case 'softplus':
      return g.op('Softplus', [x], {}, output);
    case 'softsign':
      return g.op('Softsign', [x], {}, output);
    case 'relu6':
      return g.op('Clip', [x, g.constant('zero', [], f32([0])), g.constant('six', [], f32([6]))], {}, output);
    case 'silu':
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x])], {}, output);
    case 'gelu': {
      // Exact gelu, as Keras's default: x * (1 + erf(x / sqrt(2))) / 2.
      const erf = g.op('Erf', [g.op('Mul', [x, g.constant('inv_sqrt2', [], f32([Math.SQRT1_2]))])]);
      const one = g.op('Add', [erf, g.constant('one', [], f32([1]))]);
      return g.op('Mul', [g.op('Mul', [x, one]), g.constant('half', [], f32([0.5]))], {}, output);
    }
    case 'leaky_relu':
      // keras.activations.leaky_relu's slope (the LeakyReLU layer's default is 0.3).
      return g.op('LeakyRelu', [x], { alpha: { float: 0.2 } }, output);
    case 'hard_sigmoid':
      // Keras 3: relu6(x + 3) / 6.
      return g.op('HardSigmoid', [x], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }, output);
    case 'hard_silu':
    case 'hard_swish':
      return g.op('HardSwish', [x], {}, output);
    case 'exponential':
      return g.op('Exp', [x], {}, output);
    case 'mish':
      return g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x])])], {}, output);
    case 'celu':
      return g.op('Celu', [x], { alpha: { float: 1 } }, output);
    case 'hard_tanh':
      return g.op('Clip', [x, g.scalar('minus_one', -1), g.scalar('one', 1)], {}, output);
    case 'log_sigmoid':
      return g.op('Neg', [g.op('Softplus', [g.op('Neg', [x])])], {}, output);
    case 'tanh_shrink':
      return g.op('Sub', [x, g.op('Tanh', [x])], {}, output);
    case 'squareplus': {
      const root = g.op('Sqrt', [g.op('Add', [g.op('Mul', [x, x]), g.scalar('four', 4)])]);
      return g.op('Mul', [g.op('Add', [x, root]), g.scalar('half', 0.5)], {}, output);
    }
    case 'sparse_sigmoid': {
      const clipped = g.op('Clip', [x, g.scalar('minus_one', -1), g.scalar('one', 1)]);
      return g.op('Mul', [g.op('Add', [clipped, g.scalar('one', 1)]), g.scalar('half', 0.5)], {}, output);
    }
    case 'sparse_plus': {
      // 0 below -1, (x + 1)² / 4 between, x from 1 on.
      const shifted = g.op('Add', [
        g.op('Clip', [x, g.scalar('minus_one', -1), g.scalar('one', 1)]),
        g.scalar('one', 1),
      ]);
      const square = g.op('Mul', [g.op('Mul', [shifted, shifted]), g.scalar('quarter', 0.25)]);
      return g.op('Where', [g.op('GreaterOrEqual', [x, g.scalar('one', 1)]), x, square], {}, output);
    }
    case 'soft_shrink':
      return g.op('Shrink', [x], { bias: { float: 0.5 }, lambd: { float: 0.5 } }, output);
    case 'hard_shrink':
      return g.op('Shrink', [x], { bias: { float: 0 }, lambd: { float: 0.5 } }, output);
    case 'log_softmax':
      return g.op('LogSoftmax', [x], { axis: -1 }, output);
    default:
      throw new OnnxRefusal(`the activation '${name}' has no ONNX form here`);
  }
}

class OnnxRefusal extends Error {}

const WEIGHTLESS_IDENTITY = new Set(['Dropout', 'SpatialDropout2D']);

/** Why the document can't be written as ONNX, or null. */
export function onnxRefusal(doc: ModelDocument, inference: Inference = infer(doc)): WriteRefusal | null {
  try {
    writeOnnx(doc, inference);
    return null;
  } catch (e) {
    // Anything else is a bug of ours; the export still refuses in one line rather than take the engine down.
    const message =
      e instanceof OnnxRefusal ? e.message : `could not write ONNX: ${e instanceof Error ? e.message : String(e)}`;
    return { code: 'invalid-model', message, hint: 'replace the layer, or export Keras Python or .keras instead' };
  }
}

/** The serialized ModelProto. Layers without weights in the document get none: give it trained weights. */
export function writeOnnx(doc: ModelDocument, inference: Inference = infer(doc)): Uint8Array {
  if (inference.errorCount > 0) throw new OnnxRefusal('the model has errors; fix them first');
  if (inference.outputs.length !== 1 || inference.inputs.length !== 1)
    throw new OnnxRefusal('ONNX export takes a model with one input and one output');
  const g = new Graph();
  const names = new Map<string, string>();
  for (const id of inference.order) {
    const node = inference.topology.byId.get(id)!;
    const info = inference.nodes.get(id)!;
    const def = getLayer(node.className)!;
    const c = node.config;
    const out = info.name;
    names.set(id, out);
    if (node.className === 'InputLayer') continue;
    // An RNN's return_state states are its tensors `<name>_state1`, `<name>_state2` (recurrent() names them).
    const xs = inference.topology.incoming
      .get(id)!
      .map((e) => (e.sourceOutput ? `${names.get(e.source)!}_state${e.sourceOutput}` : names.get(e.source)!));
    const x = xs[0];
    const inShape = info.inputShapes[0] ?? [];
    const w = (name: string) => {
      const found = doc.weights?.[id]?.find((t) => t.name === name);
      if (!found)
        throw new OnnxRefusal(`${out}: the weight '${name}' is missing; train the model or load its weights first`);
      return found.tensor;
    };
    switch (node.className) {
      case 'Dense': {
        const kernel = w('kernel');
        let y = g.op('MatMul', [x, g.constant(`${out}_kernel`, [...kernel.shape], f32(kernel.data))]);
        if (c.use_bias !== false)
          y = g.op('Add', [y, g.constant(`${out}_bias`, [...w('bias').shape], f32(w('bias').data))]);
        activation(g, y, String(c.activation ?? 'linear'), out);
        break;
      }
      case 'Conv2D': {
        // Keras's (kh, kw, c_in / groups, c_out) is ONNX's (c_out, c_in / groups, kh, kw) with `group`.
        const kernel = w('kernel');
        const [kh, kw, cin, cout] = kernel.shape;
        const strides = pair(c, 'strides');
        const dilations = pair(c, 'dilation_rate');
        const pads = c.padding === 'same' ? padsFor(inShape, [kh, kw], strides, dilations) : [0, 0, 0, 0];
        const inputs = [g.constant(`${out}_kernel`, [cout, cin, kh, kw], oihw(kernel.data, kh, kw, cin, cout))];
        if (c.use_bias !== false) inputs.push(g.constant(`${out}_bias`, [cout], f32(w('bias').data)));
        const group = Number(c.groups ?? 1);
        const y = g.nchw('Conv', x, inputs, { kernel_shape: [kh, kw], strides, dilations, pads, group });
        activation(g, y, String(c.activation ?? 'linear'), out);
        break;
      }
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        // Depthwise: a Conv with one group per input channel; channel c·dm + m of the output is kernel[:, :, c, m].
        const separable = node.className === 'SeparableConv2D';
        const kernel = w(separable ? 'depthwise_kernel' : 'kernel');
        const [kh, kw, cin, dm] = kernel.shape;
        const strides = pair(c, 'strides');
        const dilations = pair(c, 'dilation_rate');
        const pads = c.padding === 'same' ? padsFor(inShape, [kh, kw], strides, dilations) : [0, 0, 0, 0];
        const inputs = [g.constant(`${out}_depthwise`, [cin * dm, 1, kh, kw], oihw(kernel.data, kh, kw, 1, cin * dm))];
        if (!separable && c.use_bias !== false) inputs.push(g.constant(`${out}_bias`, [cin * dm], f32(w('bias').data)));
        const attrs = { kernel_shape: [kh, kw], strides, dilations, pads, group: cin };
        let y = g.nchw('Conv', x, inputs, attrs);
        if (separable) {
          const point = w('pointwise_kernel');
          const filters = point.shape[3];
          const pointInputs = [
            g.constant(`${out}_pointwise`, [filters, cin * dm, 1, 1], oihw(point.data, 1, 1, cin * dm, filters)),
          ];
          if (c.use_bias !== false) pointInputs.push(g.constant(`${out}_bias`, [filters], f32(w('bias').data)));
          y = g.nchw('Conv', y, pointInputs, { kernel_shape: [1, 1] });
        }
        activation(g, y, String(c.activation ?? 'linear'), out);
        break;
      }
      case 'Conv2DTranspose': {
        // ONNX's ConvTranspose is, as TF's, the gradient of a Conv: Keras's (kh, kw, c_out, c_in) is its (c_in,
        // c_out, kh, kw). Keras's length is in·s + max(k − s, 0) ('valid') or in·s ('same'): the full (in − 1)·s + k
        // cut by pads, or grown by output_padding where k < s.
        if (c.output_padding !== null && c.output_padding !== undefined)
          throw new OnnxRefusal(`${out}: Conv2DTranspose with output_padding is not exported to ONNX yet`);
        const kernel = w('kernel');
        const [kh, kw, cout, cin] = kernel.shape;
        const iohw = new Float32Array(kernel.data.length);
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++)
            for (let o = 0; o < cout; o++)
              for (let a = 0; a < cin; a++)
                iohw[((a * cout + o) * kh + i) * kw + j] = kernel.data[((i * kw + j) * cout + o) * cin + a];
        const strides = pair(c, 'strides');
        const dilations = pair(c, 'dilation_rate');
        const begin: number[] = [];
        const end: number[] = [];
        const extra: number[] = [];
        [kh, kw].forEach((k, a) => {
          const span = dilations[a] * (k - 1) + 1;
          const cut = c.padding === 'same' ? Math.max(span - strides[a], 0) : 0;
          begin.push(Math.floor(cut / 2));
          end.push(cut - Math.floor(cut / 2));
          extra.push(Math.max(strides[a] - span, 0));
        });
        const inputs = [g.constant(`${out}_kernel`, [cin, cout, kh, kw], iohw)];
        if (c.use_bias !== false) inputs.push(g.constant(`${out}_bias`, [cout], f32(w('bias').data)));
        const attrs = { kernel_shape: [kh, kw], strides, dilations, pads: [...begin, ...end], output_padding: extra };
        const y = g.nchw('ConvTranspose', x, inputs, attrs);
        activation(g, y, String(c.activation ?? 'linear'), out);
        break;
      }
      case 'Permute':
        g.op('Transpose', [x], { perm: [0, ...(c.dims as number[])] }, out);
        break;
      case 'Conv1D': {
        const kernel = w('kernel');
        const [k, cin, cout] = kernel.shape;
        const stride = first(c.strides);
        const dilation = first(c.dilation_rate);
        const length = inShape[1] as number;
        const pads =
          c.padding === 'same'
            ? samePads(length, k, stride, dilation)
            : c.padding === 'causal'
              ? [dilation * (k - 1), 0]
              : [0, 0];
        const inputs = [g.constant(`${out}_kernel`, [cout, cin, k], oihw(kernel.data, 1, k, cin, cout))];
        if (c.use_bias !== false) inputs.push(g.constant(`${out}_bias`, [cout], f32(w('bias').data)));
        const attrs = {
          kernel_shape: [k],
          strides: [stride],
          dilations: [dilation],
          pads,
          group: Number(c.groups ?? 1),
        };
        const y = g.nchw('Conv', x, inputs, attrs, undefined, 3);
        activation(g, y, String(c.activation ?? 'linear'), out);
        break;
      }
      case 'MaxPooling1D':
      case 'AveragePooling1D': {
        const pool = first(c.pool_size);
        const stride = c.strides === null || c.strides === undefined ? pool : first(c.strides);
        const pads = c.padding === 'same' ? samePads(inShape[1] as number, pool, stride, 1) : [0, 0];
        const type = node.className === 'MaxPooling1D' ? 'MaxPool' : 'AveragePool';
        const attrs = {
          kernel_shape: [pool],
          strides: [stride],
          pads,
          ...(type === 'AveragePool' ? { count_include_pad: 0 } : {}),
        };
        g.nchw(type, x, [], attrs, out, 3);
        break;
      }
      case 'GlobalAveragePooling1D':
      case 'GlobalMaxPooling1D':
        g.op(
          node.className === 'GlobalMaxPooling1D' ? 'ReduceMax' : 'ReduceMean',
          [x],
          { axes: [1], keepdims: c.keepdims ? 1 : 0 },
          out,
        );
        break;
      case 'LayerNormalization': {
        // Over the last axis with the biased variance; rms_scaling divides x itself, not x − mean, as Keras 3.15.
        const channels = inShape[inShape.length - 1] as number;
        const mean = g.op('ReduceMean', [x], { axes: [-1], keepdims: 1 });
        const centered = g.op('Sub', [x, mean]);
        const variance = g.op('ReduceMean', [g.op('Mul', [centered, centered])], { axes: [-1], keepdims: 1 });
        const std = g.op('Sqrt', [g.op('Add', [variance, g.scalar(`${out}_epsilon`, Number(c.epsilon ?? 0.001))])]);
        let y = g.op('Div', [c.rms_scaling === true ? x : centered, std]);
        if (c.scale !== false || c.rms_scaling === true)
          y = g.op('Mul', [y, g.constant(`${out}_gamma`, [channels], f32(w('gamma').data))]);
        if (c.center !== false && c.rms_scaling !== true)
          y = g.op('Add', [y, g.constant(`${out}_beta`, [channels], f32(w('beta').data))]);
        g.op('Identity', [y], {}, out);
        break;
      }
      case 'Normalization': {
        // (x − mean) / max(sqrt(variance), 1e-7) along its axis, or mean + x · that scale when inverted, as Keras.
        const rank = inShape.length;
        const axis = resolveAxis(Number(c.axis ?? -1), rank) as number;
        const channels = inShape[axis] as number;
        const dims = [channels, ...Array<number>(rank - 1 - axis).fill(1)];
        const std = f32(Array.from(w('variance').data, (v) => Math.max(Math.sqrt(v), 1e-7)));
        const mean = g.constant(`${out}_mean`, dims, f32(w('mean').data));
        const scale = g.constant(`${out}_std`, dims, std);
        if (c.invert === true) g.op('Add', [mean, g.op('Mul', [x, scale])], {}, out);
        else g.op('Div', [g.op('Sub', [x, mean]), scale], {}, out);
        break;
      }
      case 'RepeatVector': {
        const unsqueezed = g.op('Unsqueeze', [x, g.ints(`${out}_axes`, [1])]);
        g.op('Tile', [unsqueezed, g.ints(`${out}_repeats`, [1, Number(c.n), 1])], {}, out);
        break;
      }
      case 'LSTM':
      case 'GRU': {
        if (xs.length > 1)
          throw new OnnxRefusal(`${out}: an ${node.className} with initial_state is not exported to ONNX yet`);
        recurrent(g, node.className, c, x, out, inShape[2] as number, w);
        break;
      }
      case 'Bidirectional': {
        // Two ONNX RNNs, forward and reverse; each puts step t's output at t, so they merge without flipping.
        const inner = String(c.layer);
        const [fwd, bwd] = ['forward', 'backward'].map((direction) => {
          const name = `${out}_${direction}`;
          const config = { ...c, go_backwards: direction === 'backward' };
          const label = `${out}: Bidirectional ${inner}`;
          recurrent(g, inner, config, x, name, inShape[2] as number, (n) => w(`${direction}_${n}`), true, label);
          return name;
        });
        const mode = String(c.merge_mode);
        if (mode === 'concat') g.op('Concat', [fwd, bwd], { axis: -1 }, out);
        else if (mode === 'sum') g.op('Add', [fwd, bwd], {}, out);
        else if (mode === 'mul') g.op('Mul', [fwd, bwd], {}, out);
        else g.op('Mul', [g.op('Add', [fwd, bwd]), g.constant(`${out}_half`, [], f32([0.5]))], {}, out);
        break;
      }
      case 'Embedding': {
        // Token ids arrive as float32 (the model's input dtype); Cast truncates them to int64 as the engine does.
        const table = w('embeddings');
        const ids = g.op('Cast', [x], { to: 7 });
        g.op('Gather', [g.constant(`${out}_embeddings`, [...table.shape], f32(table.data)), ids], { axis: 0 }, out);
        break;
      }
      case 'LayerScale': {
        const v = w('variable');
        g.op('Mul', [x, g.constant(`${out}_variable`, [...v.shape], f32(v.data))], {}, out);
        break;
      }
      case 'UpSampling2D': {
        const [sh, sw] = pair(c, 'size');
        const linear = c.interpolation === 'bilinear';
        // Keras: nearest repeats each pixel; bilinear samples at half-pixel centres (TF's resize), clamped at edges.
        const attrs: Record<string, Attr> = linear
          ? { mode: { text: 'linear' }, coordinate_transformation_mode: { text: 'half_pixel' } }
          : {
              mode: { text: 'nearest' },
              coordinate_transformation_mode: { text: 'asymmetric' },
              nearest_mode: { text: 'floor' },
            };
        g.nchw('Resize', x, ['', g.constant(`${out}_scales`, [4], f32([1, 1, sh, sw]))], attrs, out);
        break;
      }
      case 'Cropping2D': {
        const [[top, bottom], [left, right]] = padding2d(c.cropping);
        const [h, wd] = [inShape[1] as number, inShape[2] as number];
        g.op(
          'Slice',
          [
            x,
            g.ints(`${out}_starts`, [top, left]),
            g.ints(`${out}_ends`, [h - bottom, wd - right]),
            g.ints(`${out}_axes`, [1, 2]),
          ],
          {},
          out,
        );
        break;
      }
      case 'BatchNormalization': {
        const channels = inShape[inShape.length - 1] as number;
        const eps = Number(c.epsilon ?? 0.001);
        const gamma = c.scale === false ? null : w('gamma').data;
        const beta = c.center === false ? null : w('beta').data;
        const mean = w('moving_mean').data;
        const variance = w('moving_variance').data;
        // The scale in float32 as the engine and Keras compute it: gamma / sqrt(var + eps).
        const scale = f32(
          Array.from({ length: channels }, (_, k) =>
            Math.fround((gamma ? gamma[k] : 1) / Math.fround(Math.sqrt(Math.fround(variance[k] + eps)))),
          ),
        );
        const centered = g.op('Sub', [x, g.constant(`${out}_moving_mean`, [channels], f32(mean))]);
        const scaled = g.op('Mul', [centered, g.constant(`${out}_scale`, [channels], scale)]);
        g.op(
          'Add',
          [scaled, g.constant(`${out}_beta`, [channels], beta ? f32(beta) : new Float32Array(channels))],
          {},
          out,
        );
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const pool = pair(c, 'pool_size');
        const strides = c.strides === null || c.strides === undefined ? pool : pair(c, 'strides');
        const pads = c.padding === 'same' ? padsFor(inShape, pool, strides, [1, 1]) : [0, 0, 0, 0];
        const type = node.className === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool';
        // count_include_pad 0: 'same' averages only the real elements, as Keras does.
        g.nchw(
          type,
          x,
          [],
          { kernel_shape: pool, strides, pads, ...(type === 'AveragePool' ? { count_include_pad: 0 } : {}) },
          out,
        );
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        g.op(
          node.className === 'GlobalMaxPooling2D' ? 'ReduceMax' : 'ReduceMean',
          [x],
          { axes: [1, 2], keepdims: c.keepdims ? 1 : 0 },
          out,
        );
        break;
      case 'Flatten':
        g.op('Flatten', [x], { axis: 1 }, out);
        break;
      case 'Reshape':
        g.op(
          'Reshape',
          [
            x,
            g.constant(
              `${out}_shape`,
              [(c.target_shape as number[]).length + 1],
              BigInt64Array.from([0, ...(c.target_shape as number[])].map(BigInt)),
            ),
          ],
          {},
          out,
        );
        break;
      case 'Activation':
        activation(g, x, String(c.activation), out);
        break;
      case 'Softmax':
        g.op('Softmax', [x], { axis: Number(c.axis ?? -1) }, out);
        break;
      case 'LeakyReLU':
        g.op('LeakyRelu', [x], { alpha: { float: Number(c.negative_slope ?? 0.3) } }, out);
        break;
      case 'ReLU': {
        // Keras: x above the threshold (capped at max_value), negative_slope · (x − threshold) at or below it.
        const threshold = Number(c.threshold ?? 0);
        const slope = Number(c.negative_slope ?? 0);
        const capped =
          c.max_value === null || c.max_value === undefined
            ? x
            : g.op('Min', [x, g.scalar(`${out}_max`, Number(c.max_value))]);
        if (threshold === 0 && slope === 0) g.op('Max', [capped, g.scalar('zero', 0)], {}, out);
        else {
          const t = g.scalar(`${out}_threshold`, threshold);
          const below = g.op('Mul', [g.op('Sub', [x, t]), g.scalar(`${out}_slope`, slope)]);
          g.op('Where', [g.op('Greater', [x, t]), capped, below], {}, out);
        }
        break;
      }
      case 'Rescaling': {
        const scaled = g.op('Mul', [x, g.constant(`${out}_scale`, [], f32([Number(c.scale)]))]);
        g.op('Add', [scaled, g.constant(`${out}_offset`, [], f32([Number(c.offset ?? 0)]))], {}, out);
        break;
      }
      case 'Add':
      case 'Subtract':
      case 'Multiply':
      case 'Maximum':
      case 'Average': {
        const op = { Add: 'Sum', Subtract: 'Sub', Multiply: 'Mul', Maximum: 'Max', Average: 'Mean' }[node.className]!;
        g.op(op, xs, {}, out);
        break;
      }
      case 'Concatenate':
        g.op('Concat', xs, { axis: Number(c.axis ?? -1) }, out);
        break;
      case 'ZeroPadding2D': {
        const [[top, bottom], [left, right]] = padding2d(c.padding);
        g.op(
          'Pad',
          [x, g.constant(`${out}_pads`, [8], BigInt64Array.from([0, top, left, 0, 0, bottom, right, 0].map(BigInt)))],
          {},
          out,
        );
        break;
      }
      default:
        if (WEIGHTLESS_IDENTITY.has(node.className)) {
          g.op('Identity', [x], {}, out);
          break;
        }
        throw new OnnxRefusal(`${out}: ${def.className} is not exported to ONNX yet`);
    }
  }
  const input = inference.inputs[0];
  const output = inference.outputs[0];
  const graph = msg(7, [
    ...g.nodes,
    str(2, doc.name || 'model'),
    ...g.initializers,
    valueInfo(11, names.get(input)!, inference.nodes.get(input)!.outputShape!),
    valueInfo(12, names.get(output)!, inference.nodes.get(output)!.outputShape!),
  ]);
  return concat([int(1, 8), str(2, 'LayerCanvas'), graph, msg(8, [str(1, ''), int(2, 17)])]);
}

const RECURRENT_ACTIVATIONS: Record<string, string> = {
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  // Keras 3's relu6(x + 3) / 6.
  hard_sigmoid: 'HardSigmoid',
};

/**
 * Keras's LSTM (gates i, f, c, o) and GRU (z, r, h; reset_after, ONNX's linear_before_reset) as ONNX's LSTM
 * (i, o, f, c) and GRU ops, time-major inside Transposes; the last step's state, or every step's output.
 */
function recurrent(
  g: Graph,
  className: string,
  c: LayerConfig,
  x: string,
  out: string,
  features: number,
  w: (name: string) => { shape: readonly number[]; data: Float32Array },
  /** Every step's output at its own time, also with go_backwards (Bidirectional's backward copy, flipped back). */
  inTimeOrder = false,
  /** Who a refusal names: the layer, and the wrapper it is in. */
  label = `${out}: ${className}`,
): void {
  const lstm = className === 'LSTM';
  const acts = [String(c.recurrent_activation ?? 'sigmoid'), String(c.activation ?? 'tanh')].map((a) => {
    const name = RECURRENT_ACTIVATIONS[a];
    if (!name) throw new OnnxRefusal(`${label} with activation '${a}' is not exported to ONNX yet`);
    return name;
  });
  const units = Number(c.units);
  // ONNX gate k takes Keras's gate order[k].
  const order = lstm ? [0, 3, 1, 2] : [0, 1, 2];
  const gates = order.length;
  const regate = (m: Float32Array, rows: number): Float32Array => {
    // Keras (rows, gates·units) → ONNX (gates·units, rows), gates reordered.
    const t = new Float32Array(m.length);
    order.forEach((from, to) => {
      for (let u = 0; u < units; u++)
        for (let r = 0; r < rows; r++) t[(to * units + u) * rows + r] = m[r * gates * units + from * units + u];
    });
    return t;
  };
  const W = g.constant(`${out}_W`, [1, gates * units, features], regate(w('kernel').data, features));
  const R = g.constant(`${out}_R`, [1, gates * units, units], regate(w('recurrent_kernel').data, units));
  const inputs = [g.op('Transpose', [x], { perm: [1, 0, 2] }), W, R];
  if (c.use_bias !== false) {
    const bias = w('bias').data;
    const B = new Float32Array(2 * gates * units);
    // LSTM: one bias, on the input side; GRU (reset_after): rows of input and recurrent bias.
    const halves = lstm ? [bias] : [bias.subarray(0, gates * units), bias.subarray(gates * units)];
    halves.forEach((half, h) =>
      order.forEach((from, to) =>
        B.set(half.subarray(from * units, (from + 1) * units), h * gates * units + to * units),
      ),
    );
    inputs.push(g.constant(`${out}_B`, [1, 2 * gates * units], B));
  }
  const used = lstm ? [acts[0], acts[1], acts[1]] : [acts[0], acts[1]];
  // Each HardSigmoid takes its alpha and beta from these lists, in order (the others take none).
  const hard = used.filter((a) => a === 'HardSigmoid');
  const attrs: Record<string, Attr> = {
    hidden_size: units,
    activations: { texts: used },
    // go_backwards reads the steps last to first.
    ...(c.go_backwards === true ? { direction: { text: 'reverse' } } : {}),
    ...(hard.length
      ? { activation_alpha: { floats: hard.map(() => 1 / 6) }, activation_beta: { floats: hard.map(() => 0.5) } }
      : {}),
    ...(lstm ? {} : { linear_before_reset: 1 }),
  };
  const y = `${out}_all`;
  const last = `${out}_last`;
  const cell = `${out}_cell`;
  g.op(className, inputs, attrs, lstm && c.return_state === true ? [y, last, cell] : [y, last]);
  // return_state: the last h (and LSTM's c) without ONNX's direction axis, as Keras's outputs 1 (and 2).
  if (c.return_state === true)
    (lstm ? [last, cell] : [last]).forEach((state, k) =>
      g.op('Squeeze', [state, g.ints(`${out}_state${k + 1}_axes`, [0])], {}, `${out}_state${k + 1}`),
    );
  if (c.return_sequences === true) {
    let steps = g.op('Squeeze', [y, g.ints(`${out}_axes`, [1])]);
    // ONNX puts each step's output at its time; Keras's go_backwards lists them in the order it read them.
    if (c.go_backwards === true && !inTimeOrder)
      steps = g.op('Slice', [
        steps,
        g.ints(`${out}_start`, [-1]),
        g.ints(`${out}_end`, [-(2 ** 63)]),
        g.ints(`${out}_time`, [0]),
        g.ints(`${out}_step`, [-1]),
      ]);
    g.op('Transpose', [steps], { perm: [1, 0, 2] }, out);
  } else g.op('Squeeze', [last, g.ints(`${out}_axes`, [0])], {}, out);
}

/** Keras's channels-last kernel (kh, kw, c_in, c_out) as ONNX's (c_out, c_in, kh, kw). */
function oihw(data: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let a = 0; a < cin; a++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + a) * kh + i) * kw + j] = data[((i * kw + j) * cin + a) * cout + o];
  return out;
}

/** A 1-D layer's size argument: `3` or `[3]`. */
const first = (v: unknown): number => Number(Array.isArray(v) ? v[0] : v);

function padsFor(
  input: readonly (number | null)[],
  k: [number, number],
  s: [number, number],
  d: [number, number],
): number[] {
  const [top, bottom] = samePads(input[1] as number, k[0], s[0], d[0]);
  const [left, right] = samePads(input[2] as number, k[1], s[1], d[1]);
  return [top, left, bottom, right];
}

function padding2d(p: unknown): [[number, number], [number, number]] {
  if (typeof p === 'number')
    return [
      [p, p],
      [p, p],
    ];
  const [a, b] = p as (number | number[])[];
  const two = (v: number | number[]) => (Array.isArray(v) ? [v[0], v[1]] : [v, v]) as [number, number];
  return [two(a), two(b)];
}

export const onnx: ModelFormat = {
  id: 'onnx',
  title: 'ONNX model',
  extensions: ['.onnx'],
  // ONNX files are protobuf: binary-files.ts recognises and refuses them before any text format is tried.
  match: () => false,
  read: () => ({
    ok: false,
    errors: [{ message: "LayerCanvas can't import ONNX", hint: 'open the Keras model instead' }],
  }),
  canWrite: (doc, inference) =>
    refuseErrors('onnx', inference) ??
    (Object.keys(doc.weights ?? {}).length
      ? onnxRefusal(doc, inference)
      : {
          code: 'no-weights',
          message: 'the model holds no weights to export as ONNX',
          hint: 'train it first, or open a TF.js model or a trained project file',
        }),
  write: (doc, { baseName }) => [{ name: `${baseName}.onnx`, data: writeOnnx(doc) }],
};
