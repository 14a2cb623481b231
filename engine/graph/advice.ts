/**
 * Warnings a Keras user would thank us for: legal models that are probably not what was meant, about Dense on
 * images and where BatchNormalization sits relative to biases and activations.
 */

import type { ProblemFix, FixStep } from '../core/problems';
import { formatShape } from '../core/shape';
import { getLayer, hasTrait, isInputLayer } from '../layers/registry';
import type { Topology } from './dag';
import type { DocNode } from './document';
import type { NodeInfo } from './node-info';

/** The non-linearity a node applies to its output, if any: an activation layer's, or a layer's `activation`. */
export function appliedActivation(node: DocNode): string | null {
  const def = getLayer(node.className);
  if (def?.activationOf) return def.activationOf(node.config);
  const a = node.config.activation;
  return typeof a === 'string' && a !== 'linear' ? a : null;
}

export function adviseNode(node: DocNode, topology: Topology, nodes: Map<string, NodeInfo>): void {
  const info = nodes.get(node.id)!;
  if (!info.outputShape) return;
  const warn = (code: string, message: string, hint: string, fixes: ProblemFix[] = []) =>
    info.problems.push({
      nodeId: node.id,
      severity: 'warning',
      code,
      message,
      hint,
      ...(fixes.length ? { fixes } : {}),
    });
  const nameOf = (id: string) => nodes.get(id)!.name;
  const consumers = topology.outgoing.get(node.id)!.map((e) => topology.byId.get(e.target)!);
  const producers = topology.incoming.get(node.id)!.map((e) => topology.byId.get(e.source)!);
  const activation = appliedActivation(node);

  if (hasTrait(node.className, 'unitsOnLastAxis')) {
    const input = info.inputShapes[0];
    if (input && input.length > 2)
      warn(
        'dense-on-image',
        `${node.className} is fed ${formatShape(input)}, a ${input.length}-D tensor: Keras applies it to the last axis only, separately at every position, giving ${formatShape(info.outputShape)}`,
        'did you mean to add Flatten (or GlobalAveragePooling2D) before it?',
        [
          insertBeforeFix('Flatten', node.id, nameOf(node.id)),
          ...(input.length === 4 ? [insertBeforeFix('GlobalAveragePooling2D', node.id, nameOf(node.id))] : []),
        ],
      );
  }

  const allIntoBN = consumers.length > 0 && consumers.every((c) => hasTrait(c.className, 'batchStatistics'));
  if (hasTrait(node.className, 'linearWithBias') && node.config.use_bias === true && !activation && allIntoBN)
    warn(
      'bias-before-bn',
      `use_bias=True right before BatchNormalization: BN subtracts the batch mean, which cancels this bias, so its ${biasCount(info)} parameters never matter`,
      'set use_bias=False on this layer; BN’s beta does the shifting',
      [
        {
          label: `Set use_bias=False on ${nameOf(node.id)}`,
          steps: [{ op: 'set-config', nodeId: node.id, key: 'use_bias', value: false }],
        },
      ],
    );

  if (hasTrait(node.className, 'batchStatistics')) {
    const before = producers[0];
    const beforeActivation = before ? appliedActivation(before) : null;
    if (before && beforeActivation === 'softmax')
      warn(
        'bn-after-softmax',
        `BatchNormalization comes after the softmax of ${nodes.get(before.id)!.name}: it turns the probabilities back into unnormalized values`,
        'end the model with the softmax: move this BatchNormalization before the last Dense, or delete it',
      );
    else if (before && beforeActivation)
      warn(
        'activation-before-bn',
        `BatchNormalization follows the ${beforeActivation} activation of ${nodes.get(before.id)!.name}; the usual order is linear → BatchNormalization → activation`,
        isActivationLayer(before)
          ? `move ${nodes.get(before.id)!.name} after this BatchNormalization`
          : `set activation=None (and use_bias=False) on ${nodes.get(before.id)!.name} and add an Activation('${beforeActivation}') after this BatchNormalization`,
        reorderFix(before, node, beforeActivation, topology, nameOf),
      );
  }

  if (
    activation === 'softmax' &&
    consumers.length > 0 &&
    !consumers.every((c) => hasTrait(c.className, 'batchStatistics'))
  )
    warn(
      'softmax-not-last',
      `softmax is applied here, but ${consumers.map((c) => nodes.get(c.id)!.name).join(', ')} ${consumers.length === 1 ? 'follows' : 'follow'}: softmax belongs on the output layer`,
      'use relu (or no activation) inside the network and softmax only at the end',
      softmaxFix(node, topology, nameOf),
    );
}

function insertBeforeFix(className: string, nodeId: string, name: string): ProblemFix {
  return { label: `Insert ${className} before ${name}`, steps: [{ op: 'insert-before', nodeId, className }] };
}

/** Whether `node` has a bias that feeds only `consumer` (so dropping it changes nothing else). */
function biasOnlyFor(node: DocNode | undefined, consumer: string, topology: Topology): node is DocNode {
  if (!node || !hasTrait(node.className, 'linearWithBias') || node.config.use_bias !== true) return false;
  const out = topology.outgoing.get(node.id)!;
  return out.length === 1 && out[0].target === consumer;
}

/** linear → BN → activation, from an activation (a layer's own, or an activation layer) placed before `bn`. */
function reorderFix(
  before: DocNode,
  bn: DocNode,
  activation: string,
  topology: Topology,
  nameOf: (id: string) => string,
): ProblemFix[] {
  const out = topology.outgoing.get(before.id)!;
  // The activation's other consumers would lose it: no one-click fix then.
  if (out.length !== 1) return [];
  const steps: FixStep[] = [];
  let linear = before;
  if (isActivationLayer(before)) {
    steps.push({ op: 'move-after', nodeId: before.id, after: bn.id });
    const producer = topology.incoming.get(before.id)![0];
    const p = producer && topology.byId.get(producer.source);
    if (!biasOnlyFor(p, before.id, topology) || appliedActivation(p)) {
      return [{ label: `Move ${nameOf(before.id)} after ${nameOf(bn.id)}`, steps }];
    }
    linear = p;
  } else {
    steps.push({ op: 'set-config', nodeId: before.id, key: 'activation', value: 'linear' });
    steps.push({ op: 'insert-after', nodeId: bn.id, className: 'Activation', config: { activation } });
  }
  const dropBias = hasTrait(linear.className, 'linearWithBias') && linear.config.use_bias === true;
  if (dropBias) steps.push({ op: 'set-config', nodeId: linear.id, key: 'use_bias', value: false });
  const order = `${nameOf(linear.id)} → ${nameOf(bn.id)} → ${activation}`;
  return [{ label: `Reorder to ${order}${dropBias ? `, use_bias=False on ${nameOf(linear.id)}` : ''}`, steps }];
}

/** A layer that applies an activation function and nothing else. */
const isActivationLayer = (node: DocNode) => getLayer(node.className)?.activationOf !== undefined;

/** The one layer every path from `id` ends at, or null when the paths end at several. */
function soleSink(id: string, topology: Topology): DocNode | null {
  const sinks = new Set<string>();
  const seen = new Set<string>([id]);
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    const out = topology.outgoing.get(cur)!;
    if (out.length === 0) sinks.add(cur);
    for (const e of out)
      if (!seen.has(e.target)) {
        seen.add(e.target);
        stack.push(e.target);
      }
  }
  return sinks.size === 1 ? (topology.byId.get([...sinks][0]) ?? null) : null;
}

/** Softmax belongs on the output: move a softmax layer there, or trade a layer's softmax for relu. */
function softmaxFix(node: DocNode, topology: Topology, nameOf: (id: string) => string): ProblemFix[] {
  const sink = soleSink(node.id, topology);
  if (!sink || sink.id === node.id) return [];
  const sinkActivation = appliedActivation(sink);
  if (isActivationLayer(node)) {
    if (sinkActivation === 'softmax' || topology.incoming.get(node.id)!.length !== 1) return [];
    return [
      {
        label: `Move ${nameOf(node.id)} after ${nameOf(sink.id)}`,
        steps: [{ op: 'move-after', nodeId: node.id, after: sink.id }],
      },
    ];
  }
  const steps: FixStep[] = [{ op: 'set-config', nodeId: node.id, key: 'activation', value: 'relu' }];
  if (sinkActivation === 'softmax') {
    // The output already ends in softmax: only the inner one goes.
  } else if ('activation' in sink.config && !isActivationLayer(sink) && sinkActivation === null)
    steps.push({ op: 'set-config', nodeId: sink.id, key: 'activation', value: 'softmax' });
  else if (sinkActivation === null)
    steps.push({ op: 'insert-after', nodeId: sink.id, className: 'Activation', config: { activation: 'softmax' } });
  else return [];
  return [
    { label: `Use relu in ${nameOf(node.id)}${steps.length > 1 ? `, softmax at ${nameOf(sink.id)}` : ''}`, steps },
  ];
}

/**
 * Fixes for a branch that ends without reaching the rest of the model: the layers only it uses, from `output` up
 * to where it forks off. Offered on one branch: the model's main line is rarely the mistake.
 */
export function danglingBranchFixes(
  output: string,
  outputs: readonly string[],
  topology: Topology,
  nameOf: (id: string) => string,
): ProblemFix[] {
  const branch = (id: string) => {
    const run = [id];
    let cur = id;
    for (;;) {
      const inc = topology.incoming.get(cur)!;
      if (inc.length !== 1) return { run, fork: null };
      const p = inc[0].source;
      if (topology.outgoing.get(p)!.length > 1) return { run, fork: p };
      if (isInputLayer(topology.byId.get(p)!.className)) return { run, fork: null };
      run.unshift(p);
      cur = p;
    }
  };
  // The likely mistake: the shortest branch, and of equally short ones the layer added last.
  const docOrder = [...topology.byId.keys()];
  const rank = (o: string) => [branch(o).run.length, -docOrder.indexOf(o)];
  const likely = outputs.reduce((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return rb[0] < ra[0] || (rb[0] === ra[0] && rb[1] < ra[1]) ? b : a;
  });
  const mine = branch(output);
  if (output !== likely || !mine.fork) return [];
  const fork = mine.fork;
  const others = topology.outgoing
    .get(fork)!
    .map((e) => e.target)
    .filter((t) => t !== mine.run[0]);
  const names = mine.run.length === 1 ? nameOf(output) : `${nameOf(mine.run[0])} … ${nameOf(output)}`;
  const fixes: ProblemFix[] = [];
  if (others.length) {
    const steps: FixStep[] =
      mine.run.length === 1
        ? [{ op: 'move-after', nodeId: output, after: fork }]
        : others.flatMap((t): FixStep[] => [
            { op: 'disconnect', source: fork, target: t },
            { op: 'connect', source: output, target: t },
          ]);
    fixes.push({ label: `Insert ${names} between ${nameOf(fork)} and ${others.map(nameOf).join(', ')}`, steps });
  }
  fixes.push({
    label: `Delete ${names}${mine.run.length > 1 ? ` (${mine.run.length} layers)` : ''}`,
    steps: [{ op: 'remove', nodeIds: mine.run }],
  });
  return fixes;
}

function biasCount(info: NodeInfo): number {
  const bias = info.weights.find((w) => w.name === 'bias');
  return bias ? bias.shape[0] : 0;
}
