/**
 * Runs model-building code symbolically: constructor calls make layers, layer calls wire tensors, Sequential and
 * Model calls make models. Values the model doesn't depend on (numpy data, optimizers, prints) pass through as
 * opaque; anything that would change the model in a way LayerCanvas can't represent is a located error.
 */
import type { FormatError, SourceLocation } from '../../core/problems';
import { completeConfig, extraOutputCount } from '../../layers/config';
import { getLayer, layerDefinitions } from '../../layers/registry';
import type { ConfigValue } from '../../layers/types';
import { namedVarianceScaling, varianceScalingArgs, varianceScalingText } from '../../core/variance-scaling';
import { argDefaults, argInitializer, argInitializerValue, type ArgClass } from '../../core/initializer-text';
import { ruleClass, ruleParams, ruleText, weightRule, type RuleKind } from '../../core/weight-rules';
import type { Expr } from './ast';
import { Evaluator, type Evaluated } from './evaluator';
import { short } from './expressions';
import { bindLayerArgs, type Callee } from './layer-args';
import { resolvePath } from './resolve';
import { INPUT_SIGNATURE } from './signatures';
import { similar } from './suggest';
import { shapeOfTensor } from './tensor-shape';
import {
  ERROR,
  constValue,
  describeValue,
  type FunctionalBuild,
  type ModelBuild,
  type PendingLayer,
  type SequentialBuild,
  type Value,
} from './values';

type TensorValue = Extract<Value, { kind: 'tensor' }>;

/** keras.initializers classes with number arguments, by the snake_case name the resolver gives them. */
const WITH_ARGS: Record<string, ArgClass> = {
  random_normal: 'RandomNormal',
  truncated_normal: 'TruncatedNormal',
  random_uniform: 'RandomUniform',
  constant: 'Constant',
};

/** A model used as a layer of another, and the layers it brings. */
export interface NestedUse {
  model: ModelBuild;
  layerIds: string[];
  loc: SourceLocation;
}

/** Constant arguments by name, positional ones in `order`; or the first argument that isn't one of them. */
function constantArgs(order: readonly string[], args: Evaluated[]): Record<string, unknown> | Evaluated {
  const given: Record<string, unknown> = {};
  for (const [i, a] of args.entries()) {
    const key = a.arg.keyword ?? order[i];
    if (!key || !order.includes(key) || a.value.kind !== 'const') return a;
    given[key] = a.value.value;
  }
  return given;
}

const isGiven = (r: Record<string, unknown> | Evaluated): r is Record<string, unknown> => !('arg' in r && 'value' in r);

export class Interpreter extends Evaluator {
  /** Every layer made, in construction order (Keras names layers in this order). */
  readonly layers: PendingLayer[] = [];
  /** Connections made by layer calls, in call order (a merge's inputs in list order). */
  readonly edges: { source: string; target: string; sourceOutput?: number }[] = [];
  readonly models: ModelBuild[] = [];
  /** Models used as a layer of another (called on tensors, or listed in a Sequential): each becomes a group. */
  readonly nestedModels: NestedUse[] = [];
  /** The Inputs of functional models called as layers: the tensors they were called on took their place. */
  readonly replacedInputs = new Set<string>();
  /**
   * The layer each error of a layer call belongs to: its name= when it has one, else its line. Repeated causes fold
   * into one error naming them (../error-causes.ts).
   */
  readonly errorLayers = new WeakMap<FormatError, string>();
  private readonly byId = new Map<string, PendingLayer>();
  private readonly inSequential = new Set<string>();
  private nextId = 0;

  layer(id: string): PendingLayer | undefined {
    return this.byId.get(id);
  }

  /** `x.shape`: what Keras knows of the tensor's shape at this point (tensor-shape.ts), or why it isn't known. */
  protected tensorShape(v: TensorValue, e: Expr): Value {
    const found = shapeOfTensor(this.layers, this.edges, this.replacedInputs, v.nodeId, v.output ?? 0);
    if ('shape' in found) return constValue([...found.shape]);
    const { cause } = found;
    return this.error(
      e.loc,
      `the shape of ${this.source(e).replace(/\.shape$/, '')} is not known here${cause ? `: ${cause.message}` : ''}`,
      cause?.hint ?? 'check the layers that lead to it',
    );
  }

  protected call(e: Extract<Expr, { kind: 'call' }>): Value {
    const fn = this.eval(e.func);
    const args: Evaluated[] = e.args.map((arg) => ({ arg, value: this.eval(arg.value) }));
    const callee = e.func.kind === 'attribute' ? e.func.attrLoc : e.func.loc;
    const helped = this.callHelper(fn, callee, args);
    if (helped) return helped;
    switch (fn.kind) {
      case 'error':
        return ERROR;
      case 'function':
        return this.callFunction(fn, callee, args);
      case 'module':
        return this.callPath(fn.path, e, callee, args);
      case 'layer':
        return this.applyLayer(fn.layer, callee, args);
      case 'method':
        return this.modelMethod(fn.model, fn.name, callee, args);
      case 'model':
        return this.callModel(fn.model, callee, args);
      case 'tensor':
        return this.error(
          callee,
          `${this.source(e.func)} is a tensor and cannot be called`,
          'call a layer on it: layers.Dense(8)(x)',
        );
      case 'opaque':
        return { kind: 'opaque', what: `the result of ${this.source(e.func)}(…)` };
      default:
        return this.error(callee, `${describeValue(fn)} cannot be called`, 'call a layer or a Keras function');
    }
  }

  /** keras.initializers.RandomNormal(mean, stddev, seed=None) and the others with number arguments. */
  private withArgs(cls: ArgClass, callee: SourceLocation, args: Evaluated[]): Value {
    const order = [...Object.keys(argDefaults(cls)), 'seed'];
    const given = constantArgs(order, args);
    if (!isGiven(given))
      return this.error(
        callee,
        `${cls}(…) takes the constants ${order.join(', ')}, got ${this.source(given.arg.value)}`,
        `e.g. keras.initializers.${cls}(${order[0]}=${Object.values(argDefaults(cls))[0]})`,
      );
    const { seed, ...rest } = given;
    if (seed !== undefined && seed !== null)
      return this.error(
        callee,
        `the ${cls} seed is not supported`,
        'LayerCanvas uses its own seeded generator: remove seed',
      );
    const read = argInitializer(cls, rest);
    if (typeof read === 'string') return this.error(callee, read, `use ${cls} with number arguments`);
    return constValue(argInitializerValue(read));
  }

  /** keras.initializers.VarianceScaling(scale, mode, distribution, seed=None), as the JSON readers store it. */
  private varianceScaling(callee: SourceLocation, args: Evaluated[]): Value {
    const given: Record<string, unknown> = { scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed: null };
    const order = ['scale', 'mode', 'distribution', 'seed'];
    for (const [i, a] of args.entries()) {
      const key = a.arg.keyword ?? order[i];
      if (!key || !(key in given) || a.value.kind !== 'const')
        return this.error(
          callee,
          `VarianceScaling(…) takes constants scale, mode, distribution and seed, got ${this.source(a.arg.value)}`,
          "e.g. keras.initializers.VarianceScaling(scale=2.0, mode='fan_out', distribution='truncated_normal')",
        );
      given[key] = a.value.value;
    }
    if (given.seed !== null)
      return this.error(
        callee,
        'the VarianceScaling seed is not supported',
        'LayerCanvas uses its own seeded generator: remove seed',
      );
    const vs = varianceScalingArgs(given.scale, given.mode, given.distribution);
    if (typeof vs === 'string')
      return this.error(callee, vs, "e.g. keras.initializers.VarianceScaling(scale=2.0, mode='fan_out')");
    return constValue(namedVarianceScaling(vs) ?? varianceScalingText(vs));
  }

  /** keras.regularizers.L2(0.01), keras.constraints.MaxNorm(3, axis=[0, 1, 2]): the text a field stores. */
  private weightRuleCall(kind: RuleKind, name: string, callee: SourceLocation, args: Evaluated[]): Value {
    const module = kind === 'regularizer' ? 'keras.regularizers' : 'keras.constraints';
    const cls = ruleClass(kind, name);
    if (!cls)
      return this.error(
        callee,
        `${module}.${name} is not a ${kind} LayerCanvas computes`,
        kind === 'regularizer'
          ? 'use keras.regularizers.L1, L2 or L1L2'
          : 'use keras.constraints.MaxNorm, NonNeg, UnitNorm or MinMaxNorm',
      );
    const order = ruleParams(kind, cls);
    const given = constantArgs(order, args);
    if (!isGiven(given))
      return this.error(
        callee,
        `${cls}(…) takes ${order.length ? `the constants ${order.join(', ')}` : 'no arguments'}, got ${this.source(given.arg.value)}`,
        `e.g. ${module}.${cls}(${order.length ? `${order[0]}=…` : ''})`,
      );
    const rule = weightRule(kind, cls, given);
    if (typeof rule === 'string') return this.error(callee, rule, `use ${cls} with number arguments`);
    return constValue(ruleText(rule));
  }

  private callPath(path: string, e: Extract<Expr, { kind: 'call' }>, callee: SourceLocation, args: Evaluated[]): Value {
    const r = resolvePath(path);
    switch (r.type) {
      case 'sequential':
        return this.sequential(callee, args);
      case 'model':
        return this.functional(callee, args);
      case 'input': {
        if (!this.budget.layer(this.layers.length)) return this.overrunAt(callee);
        const layer = this.construct('InputLayer', { loc: callee, signature: INPUT_SIGNATURE, display: 'Input' }, args);
        layer.usedAt = callee;
        return { kind: 'tensor', nodeId: layer.id };
      }
      case 'layer':
        if (!this.budget.layer(this.layers.length)) return this.overrunAt(callee);
        return { kind: 'layer', layer: this.construct(r.className, { loc: callee }, args) };
      case 'merge':
        if (!this.budget.layer(this.layers.length)) return this.overrunAt(callee);
        return this.mergeCall(r.className, callee, args);
      case 'unknown-layer': {
        const names = layerDefinitions().map((d) => d.className);
        const close = similar(r.name, names, 4);
        const given = args.find((a) => a.arg.keyword === 'name')?.value;
        const label = given?.kind === 'const' && typeof given.value === 'string' ? given.value : undefined;
        return this.inLayer(label, callee, () =>
          this.error(
            callee,
            `${r.name} is not a layer LayerCanvas supports`,
            close.length
              ? `similar layers LayerCanvas has: ${close.join(', ')}`
              : `LayerCanvas has: ${names.slice(1).join(', ')}`,
          ),
        );
      }
      case 'unknown-model':
        return this.error(callee, `Keras has no '${r.name}'`, `did you mean ${r.suggestion}?`);
      case 'rule':
        return this.weightRuleCall(r.kind, r.name, callee, args);
      case 'initializer':
        if (r.name === 'variance_scaling') return this.varianceScaling(callee, args);
        if (WITH_ARGS[r.name] && args.length > 0) return this.withArgs(WITH_ARGS[r.name], callee, args);
        if (args.length === 0) return constValue(r.name);
        return this.error(
          callee,
          `the initializer ${this.source(e.func)}(…) is not supported`,
          `use its name as a string, e.g. kernel_initializer='he_normal'`,
        );
      default:
        if (!path.startsWith('builtins.') && args.some((a) => a.value.kind === 'tensor' || a.value.kind === 'seq'))
          return this.error(
            callee,
            `${this.source(e.func)}(…) on tensors is not supported`,
            'use the equivalent Keras layer (Add, Concatenate, Activation, Reshape, …)',
          );
        return { kind: 'opaque', what: `the result of ${this.source(e.func)}(…)` };
    }
  }

  /**
   * What Keras 3 records as keras.src.ops.numpy ops, as the JSON reader reads them (json/keras-ops.ts): a tensor with
   * a number through + - * / (either side but a divisor) or unary minus is a Rescaling(scale, offset); two tensors
   * through + - * are the merge layer. Other arithmetic on tensors stays refused by the operators.
   */
  protected override tensorArithmetic(op: string, operands: Value[], loc: SourceLocation): Value | undefined {
    const tensors = operands.filter((v) => v.kind === 'tensor') as TensorValue[];
    if (tensors.length === 0 || operands.some((v) => v.kind === 'error')) return undefined;
    const make = (className: string, given: Record<string, number>, sources: TensorValue[]): Value => {
      const layer: PendingLayer = { id: `t${this.nextId++}`, className, given, loc, label: className, usedAt: loc };
      this.layers.push(layer);
      this.byId.set(layer.id, layer);
      for (const s of sources) this.connect(s, layer.id);
      return { kind: 'tensor', nodeId: layer.id };
    };
    if (operands.length === 1)
      return op === '-' ? make('Rescaling', { scale: -1, offset: 0 }, [tensors[0]]) : undefined;
    const [a, b] = operands;
    if (tensors.length === 2) {
      const merge = { '+': 'Add', '-': 'Subtract', '*': 'Multiply' }[op];
      return merge ? make(merge, {}, [tensors[0], tensors[1]]) : undefined;
    }
    const number =
      a.kind === 'const' && typeof a.value === 'number'
        ? a.value
        : b.kind === 'const' && typeof b.value === 'number'
          ? b.value
          : null;
    if (number === null) return undefined;
    const tensorFirst = a.kind === 'tensor';
    const source = [tensors[0]];
    switch (op) {
      case '+':
        return make('Rescaling', { scale: 1, offset: number }, source);
      case '-':
        return make('Rescaling', tensorFirst ? { scale: 1, offset: -number } : { scale: -1, offset: number }, source);
      case '*':
        return make('Rescaling', { scale: number, offset: 0 }, source);
      case '/':
        return tensorFirst && number !== 0 ? make('Rescaling', { scale: 1 / number, offset: 0 }, source) : undefined;
    }
    return undefined;
  }

  /** Runs `report`, marking the errors it adds as the layer's (its name, else its line). */
  private inLayer(name: string | undefined, loc: SourceLocation, report: () => Value): Value {
    const before = this.errors.length;
    const value = report();
    for (const err of this.errors.slice(before)) this.errorLayers.set(err, name ?? `line ${loc.line}`);
    return value;
  }

  private construct(className: string, callee: Callee, args: Evaluated[]): PendingLayer {
    const inner = this.unwrap(className, args);
    const bound = args.map((a) => ({ arg: a.arg, value: inner?.arg === a ? inner.value : this.constant(a) }));
    const errors: FormatError[] = [];
    const b = bindLayerArgs(className, bound, callee, (err) => errors.push(err), inner?.given);
    for (const err of errors) this.errorLayers.set(err, b.name ?? `line ${callee.loc.line}`);
    this.errors.push(...errors);
    const layer: PendingLayer = {
      id: `t${this.nextId++}`,
      className,
      given: b.given,
      loc: callee.loc,
      label: className,
    };
    if (b.name) layer.name = b.name;
    if (b.inputSpec) layer.inputSpec = b.inputSpec;
    this.layers.push(layer);
    this.byId.set(layer.id, layer);
    return layer;
  }

  /**
   * A wrapper's layer argument (`Bidirectional(layers.LSTM(8))`): the wrapped layer's class stands for the argument
   * and its fields join the wrapper's; it is no layer of the model itself. Keras's `backward_layer` is refused.
   */
  private unwrap(
    className: string,
    args: Evaluated[],
  ): { arg: Evaluated; value: ConfigValue | undefined; given?: Record<string, ConfigValue> } | undefined {
    const wraps = getLayer(className)?.keras.wraps;
    if (!wraps) return undefined;
    for (const a of args)
      if (a.arg.keyword === 'backward_layer' && !(a.value.kind === 'const' && a.value.value === null)) {
        this.error(
          a.arg.loc,
          `${className} backward_layer is not supported: LayerCanvas runs the go_backwards copy of layer`,
          'drop backward_layer; Keras then makes the same copy',
        );
        a.value = ERROR;
      }
    const arg = args.find((a) => a.arg.keyword === wraps.field) ?? args.find((a) => a.arg.keyword === undefined);
    if (!arg) return undefined;
    const v = arg.value;
    if (v.kind === 'error') return { arg, value: undefined };
    if (v.kind !== 'layer' || !wraps.classes.includes(v.layer.className) || v.layer.usedAt) {
      this.error(
        arg.arg.value.loc,
        `${className} wraps a new ${wraps.classes.join(' or ')} layer, got ${describeValue(v)}${v.kind === 'layer' && v.layer.usedAt ? ` (already used at line ${v.layer.usedAt.line})` : ''}`,
        `e.g. layers.${className}(layers.${wraps.classes[0]}(32))`,
      );
      return { arg, value: undefined };
    }
    v.layer.usedAt = arg.arg.loc;
    this.layers.splice(this.layers.indexOf(v.layer), 1);
    this.byId.delete(v.layer.id);
    return { arg, value: v.layer.className, given: v.layer.given };
  }

  private tensorsOf(v: Value): TensorValue[] | null {
    if (v.kind === 'tensor') return [v];
    if (v.kind === 'seq' && v.items.every((i) => i.kind === 'tensor')) return v.items as TensorValue[];
    return null;
  }

  private connect(source: TensorValue, target: string): void {
    this.edges.push({ source: source.nodeId, target, ...(source.output ? { sourceOutput: source.output } : {}) });
  }

  private applyLayer(layer: PendingLayer, callee: SourceLocation, args: Evaluated[]): Value {
    if (layer.usedAt)
      return this.error(
        callee,
        `the layer ${layer.label} is already used at line ${layer.usedAt.line}; calling one layer twice shares its weights, which LayerCanvas does not support`,
        `create a separate layer for each call, e.g. another ${layer.className}(…)`,
      );
    let input: Evaluated | undefined;
    let initialState: Evaluated | undefined;
    const def = getLayer(layer.className)!;
    for (const a of args) {
      if (a.arg.keyword === 'initial_state' && def.stateInputs) initialState = a;
      else if (a.arg.keyword === undefined || a.arg.keyword === 'inputs') {
        if (input)
          return this.error(
            a.arg.loc,
            `${layer.label} is called with more than one input argument`,
            'pass several tensors as one list: layer([a, b])',
          );
        input = a;
      } else if (a.arg.keyword !== 'training')
        return this.error(
          a.arg.keywordLoc ?? a.arg.loc,
          `the call argument '${a.arg.keyword}' is not supported`,
          a.arg.keyword === 'initial_state'
            ? 'LayerCanvas computes initial_state for LSTM and GRU only: drop it'
            : 'call the layer with its input only: layer(x)',
        );
    }
    if (!input)
      return this.error(callee, `${layer.label} is called without an input`, 'pass the tensor it acts on: layer(x)');
    if (input.value.kind === 'error') return ERROR;
    const sources = this.tensorsOf(input.value);
    if (!sources)
      return this.error(
        input.arg.value.loc,
        `${this.source(input.arg.value)} is not a tensor`,
        'call a layer on keras.Input(…) or on the output of another layer call',
      );
    let states: TensorValue[] = [];
    if (initialState) {
      if (initialState.value.kind === 'error') return ERROR;
      const given = this.tensorsOf(initialState.value);
      if (!given || given.length !== def.stateInputs)
        return this.error(
          initialState.arg.value.loc,
          `${layer.className}'s initial_state is ${def.stateInputs === 2 ? 'a list of two tensors, [h, c]' : 'one tensor h, or [h]'}, got ${given ? `${given.length} tensors` : this.source(initialState.arg.value)}`,
          def.stateInputs === 2 ? 'e.g. initial_state=[h, c]' : 'e.g. initial_state=[h]',
        );
      states = given;
    }
    if (def.arity === 'none')
      return this.error(
        callee,
        'an InputLayer is not called on tensors',
        'use keras.Input(shape=…) to start a functional model',
      );
    if (def.arity === 'one' && sources.length !== 1)
      return this.error(
        input.arg.value.loc,
        `${layer.className} takes one tensor, got ${sources.length}`,
        'merge them first with layers.Add() or layers.Concatenate()',
      );
    if (def.arity === 'many' && input.value.kind === 'tensor')
      return this.error(
        input.arg.value.loc,
        `${layer.className} merges a list of tensors`,
        `pass a list: ${layer.className}()([a, b])`,
      );
    if (layer.inputSpec)
      this.warnings.push({
        message: `input_shape on ${layer.label} is ignored: in a functional model the input comes from the tensor it is called on`,
        hint: 'remove it',
        location: layer.inputSpec.loc,
      });
    layer.usedAt = callee;
    for (const s of [...sources, ...states]) this.connect(s, layer.id);
    // A layer with several outputs (return_state) returns them as a list, as Keras does: out, h, c = layer(x).
    const extra = extraOutputCount(def, completeConfig(def, layer.given).config);
    if (extra > 0)
      return {
        kind: 'seq',
        items: Array.from(
          { length: extra + 1 },
          (_, k): Value => ({
            kind: 'tensor',
            nodeId: layer.id,
            ...(k ? { output: k } : {}),
          }),
        ),
      };
    return { kind: 'tensor', nodeId: layer.id };
  }

  private mergeCall(className: string, callee: SourceLocation, args: Evaluated[]): Value {
    const inputAt = args.findIndex((a) => a.arg.keyword === undefined || a.arg.keyword === 'inputs');
    if (inputAt < 0)
      return this.error(
        callee,
        `${className.toLowerCase()}() needs the list of tensors to merge`,
        `e.g. layers.${className.toLowerCase()}([a, b])`,
      );
    const layer = this.construct(
      className,
      { loc: callee },
      args.filter((_, i) => i !== inputAt),
    );
    return this.applyLayer(layer, callee, [args[inputAt]]);
  }

  // ---- models ----

  private modelArgs(kind: string, args: Evaluated[], order: string[]): Map<string, Evaluated> | null {
    const out = new Map<string, Evaluated>();
    let positional = 0;
    for (const a of args) {
      const key = a.arg.keyword ?? order[positional++];
      if (!key || !order.includes(key)) {
        this.error(
          a.arg.keywordLoc ?? a.arg.loc,
          `${kind} has no argument '${a.arg.keyword ?? short(this.source(a.arg))}'`,
          `its arguments are: ${order.join(', ')}`,
        );
        return null;
      }
      out.set(key, a);
    }
    const trainable = out.get('trainable');
    if (trainable && !(trainable.value.kind === 'const' && trainable.value.value === true)) {
      this.error(
        trainable.arg.loc,
        `trainable on the whole ${kind} is not supported`,
        'set trainable=False on the layers to freeze',
      );
      return null;
    }
    return out;
  }

  private modelName(a: Evaluated | undefined): string | undefined {
    if (!a) return undefined;
    const v = this.constant(a);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !v) {
      this.error(
        a.arg.value.loc,
        `the model name must be a non-empty string, got ${this.source(a.arg.value)}`,
        'e.g. name="my_model"',
      );
      return undefined;
    }
    return v;
  }

  private sequential(callee: SourceLocation, args: Evaluated[]): Value {
    const named = this.modelArgs('Sequential', args, ['layers', 'trainable', 'name']);
    if (!named) return ERROR;
    const model: SequentialBuild = { kind: 'sequential', items: [], loc: callee };
    const name = this.modelName(named.get('name'));
    if (name) model.name = name;
    const list = named.get('layers');
    if (list && !(list.value.kind === 'const' && list.value.value === null)) {
      const v = list.value;
      const exprs = list.arg.value.kind === 'list' || list.arg.value.kind === 'tuple' ? list.arg.value.items : null;
      if (v.kind === 'seq')
        v.items.forEach((item, i) => this.addToSequential(model, item, exprs?.[i] ?? list.arg.value));
      else if (!(v.kind === 'const' && Array.isArray(v.value) && v.value.length === 0))
        this.addToSequential(model, v, list.arg.value);
    }
    this.models.push(model);
    return { kind: 'model', model };
  }

  private addToSequential(model: SequentialBuild, v: Value, at: Expr): void {
    if (v.kind === 'error') return;
    if (v.kind === 'layer') {
      if (v.layer.usedAt) {
        this.error(
          at.loc,
          `the layer ${v.layer.label} is already used at line ${v.layer.usedAt.line}; using one layer twice shares its weights, which LayerCanvas does not support`,
          `create a separate ${v.layer.className}(…)`,
        );
        return;
      }
      v.layer.usedAt = at.loc;
      model.items.push({ layer: v.layer, loc: at.loc });
      return;
    }
    if (v.kind === 'tensor') {
      const layer = this.byId.get(v.nodeId)!;
      if (layer.className === 'InputLayer' && !this.inSequential.has(layer.id)) {
        this.inSequential.add(layer.id);
        model.items.push({ layer, loc: at.loc });
        return;
      }
      this.error(
        at.loc,
        `${this.source(at)} is the output of a layer call, not a layer`,
        'list the layer itself, e.g. layers.Dense(8), not layers.Dense(8)(x)',
      );
      return;
    }
    if (v.kind === 'model') {
      const sub = v.model;
      if (sub.kind !== 'sequential' || !this.claimNested(sub, at.loc)) {
        if (sub.kind !== 'sequential')
          this.error(
            at.loc,
            'a functional model inside a Sequential model is not supported',
            'build the outer model functionally and call the inner one on a tensor: y = inner(x)',
          );
        return;
      }
      const layers = sub.items.filter((item) => item.layer.className !== 'InputLayer');
      this.replaceInputs(sub);
      model.items.push(...layers);
      this.nestedModels.push({ model: sub, layerIds: layers.map((item) => item.layer.id), loc: at.loc });
      return;
    }
    this.error(at.loc, `${this.source(at)} is not a layer`, 'a Sequential model takes layers, e.g. layers.Dense(8)');
  }

  /** A model may be nested once: calling it twice would share its weights. */
  private claimNested(model: ModelBuild, loc: SourceLocation): boolean {
    const used = this.nestedModels.find((n) => n.model === model);
    if (!used) return true;
    this.error(
      loc,
      `the model ${model.name ? `'${model.name}' ` : ''}is already used at line ${used.loc.line}; using one model twice shares its weights, which LayerCanvas does not support`,
      'build a separate model for each use',
    );
    return false;
  }

  /** A nested Sequential's Input: the outer model's tensor feeds its first layer instead. */
  private replaceInputs(model: SequentialBuild): void {
    for (const item of model.items) if (item.layer.className === 'InputLayer') this.replacedInputs.add(item.layer.id);
  }

  /**
   * `y = inner(x)`: a nested model called on tensors. A Sequential's layers are chained from the tensor; a
   * functional model's Inputs give way to the tensors it is called on (its connections now start from them).
   */
  private callModel(model: ModelBuild, callee: SourceLocation, args: Evaluated[]): Value {
    const input = args.find((a) => a.arg.keyword === undefined || a.arg.keyword === 'inputs');
    const other = args.find((a) => a !== input && a.arg.keyword !== 'training' && a.arg.keyword !== 'mask');
    if (!input || other)
      return this.error(
        other?.arg.loc ?? callee,
        'a nested model is called on its input only',
        'pass the tensor (or the list of tensors) it acts on: y = inner(x)',
      );
    if (input.value.kind === 'error') return ERROR;
    const sources = this.tensorsOf(input.value);
    if (!sources)
      return this.error(input.arg.value.loc, `${this.source(input.arg.value)} is not a tensor`, 'y = inner(x)');
    if (!this.claimNested(model, callee)) return ERROR;
    if (model.kind === 'sequential') {
      const layers = model.items.filter((item) => item.layer.className !== 'InputLayer').map((item) => item.layer);
      if (layers.length === 0 || sources.length !== 1)
        return this.error(
          callee,
          layers.length === 0 ? 'the nested Sequential model has no layers' : 'a Sequential model takes one tensor',
          'call it on one tensor: y = inner(x)',
        );
      this.replaceInputs(model);
      let at = sources[0];
      for (const layer of layers) {
        this.connect(at, layer.id);
        at = { kind: 'tensor', nodeId: layer.id };
      }
      this.nestedModels.push({ model, layerIds: layers.map((l) => l.id), loc: callee });
      return at;
    }
    if (model.outputs.length !== 1 || sources.length !== model.inputs.length)
      return this.error(
        callee,
        model.outputs.length !== 1
          ? `the nested model has ${model.outputs.length} outputs; LayerCanvas nests models with one`
          : `the nested model takes ${model.inputs.length} inputs, called on ${sources.length}`,
        'call it on as many tensors as it has inputs, with one output',
      );
    const reached = new Set<string>();
    const stack = [...model.outputs];
    while (stack.length) {
      const id = stack.pop()!;
      if (reached.has(id) || model.inputs.includes(id)) continue;
      reached.add(id);
      for (const e of this.edges) if (e.target === id) stack.push(e.source);
    }
    model.inputs.forEach((id, k) => {
      this.replacedInputs.add(id);
      // The nested model's input becomes the tensor it is called on (a state output keeps its index).
      for (const e of this.edges)
        if (e.source === id) {
          e.source = sources[k].nodeId;
          if (sources[k].output) e.sourceOutput = sources[k].output;
        }
    });
    this.nestedModels.push({
      model,
      layerIds: this.layers.filter((l) => reached.has(l.id)).map((l) => l.id),
      loc: callee,
    });
    return { kind: 'tensor', nodeId: model.outputs[0] };
  }

  private modelMethod(model: ModelBuild, name: string, callee: SourceLocation, args: Evaluated[]): Value {
    if (name === 'add' || name === 'build' || name === 'pop') {
      if (model.kind !== 'sequential')
        return this.error(
          callee,
          `${name}() works on Sequential models only`,
          'wire functional models by calling layers on tensors',
        );
      if (name === 'pop') return this.error(callee, 'model.pop() is not supported', 'leave the layer out instead');
      const a = args[0];
      if (args.length !== 1 || (a.arg.keyword && a.arg.keyword !== (name === 'add' ? 'layer' : 'input_shape')))
        return this.error(
          callee,
          `model.${name}() takes exactly one argument`,
          name === 'add' ? 'e.g. model.add(layers.Dense(8))' : 'e.g. model.build((None, 28, 28, 1))',
        );
      if (name === 'add') this.addToSequential(model, a.value, a.arg.value);
      else {
        const shape = this.constant(a);
        if (shape === undefined) return ERROR;
        if (!Array.isArray(shape) || shape.length < 2)
          return this.error(
            a.arg.value.loc,
            `model.build() needs the batch shape, got ${this.source(a.arg.value)}`,
            'e.g. model.build((None, 28, 28, 1))',
          );
        model.builtShape = { shape: shape.slice(1), batchSize: shape[0], loc: a.arg.value.loc };
      }
      return { kind: 'opaque', what: `the result of model.${name}()` };
    }
    return { kind: 'opaque', what: `the result of model.${name}()` };
  }

  private functional(callee: SourceLocation, args: Evaluated[]): Value {
    const named = this.modelArgs('Model', args, ['inputs', 'outputs', 'name', 'trainable']);
    if (!named) return ERROR;
    const tensors = (key: 'inputs' | 'outputs'): string[] | null => {
      const a = named.get(key);
      if (!a) {
        this.error(callee, `Model needs ${key}=`, 'e.g. keras.Model(inputs=inputs, outputs=x)');
        return null;
      }
      if (a.value.kind === 'error') return null;
      const ids = this.tensorsOf(a.value);
      if (!ids || ids.length === 0) {
        this.error(
          a.arg.value.loc,
          `${key} must be a tensor or a list of tensors, got ${this.source(a.arg.value)}`,
          `e.g. ${key}=${key === 'inputs' ? 'inputs' : 'x'}`,
        );
        return null;
      }
      if (ids.some((t) => t.output)) {
        this.error(
          a.arg.value.loc,
          `${key} holds a layer's state output (return_state): LayerCanvas takes a layer's first output as a model output`,
          'feed the state into a layer and make that the output',
        );
        return null;
      }
      return ids.map((t) => t.nodeId);
    };
    const inputs = tensors('inputs');
    const outputs = tensors('outputs');
    const name = this.modelName(named.get('name'));
    if (!inputs || !outputs) return ERROR;
    for (const id of inputs) {
      const layer = this.byId.get(id)!;
      if (layer.className !== 'InputLayer')
        return this.error(
          named.get('inputs')!.arg.value.loc,
          `the model inputs must come from keras.Input(…), but one is the output of ${layer.label}`,
          'pass the tensors keras.Input returned',
        );
    }
    const model: FunctionalBuild = { kind: 'functional', inputs, outputs, loc: callee };
    if (name) model.name = name;
    this.models.push(model);
    return { kind: 'model', model };
  }
}
