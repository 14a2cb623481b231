/**
 * Warnings a Keras user would thank us for: legal models that are probably not what was meant, about Dense on
 * images and where BatchNormalization sits relative to biases and activations.
 */

import { formatShape } from '../core/shape';
import type { Topology } from './dag';
import type { DocNode } from './document';
import type { NodeInfo } from './inference';

/** The non-linearity a node applies to its output, if any: an Activation layer's, or a layer's `activation`. */
export function appliedActivation(node: DocNode): string | null {
  switch (node.className) {
    case 'Activation':
      return node.config.activation === 'linear' ? null : String(node.config.activation);
    case 'ReLU':
      return 'relu';
    case 'LeakyReLU':
      return 'leaky_relu';
    case 'Softmax':
      return 'softmax';
    default: {
      const a = node.config.activation;
      return typeof a === 'string' && a !== 'linear' ? a : null;
    }
  }
}

const LINEAR_WITH_BIAS = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);

export function adviseNode(node: DocNode, topology: Topology, nodes: Map<string, NodeInfo>): void {
  const info = nodes.get(node.id)!;
  if (!info.outputShape) return;
  const warn = (code: string, message: string, hint: string) => info.problems.push({ nodeId: node.id, severity: 'warning', code, message, hint });
  const consumers = topology.outgoing.get(node.id)!.map((e) => topology.byId.get(e.target)!);
  const producers = topology.incoming.get(node.id)!.map((e) => topology.byId.get(e.source)!);
  const activation = appliedActivation(node);

  if (node.className === 'Dense') {
    const input = info.inputShapes[0];
    if (input && input.length > 2)
      warn(
        'dense-on-image',
        `Dense is fed ${formatShape(input)}, a ${input.length}-D tensor: Keras applies it to the last axis only, separately at every position, giving ${formatShape(info.outputShape)}`,
        'did you mean to add Flatten (or GlobalAveragePooling2D) before it?',
      );
  }

  const allIntoBN = consumers.length > 0 && consumers.every((c) => c.className === 'BatchNormalization');
  if (LINEAR_WITH_BIAS.has(node.className) && node.config.use_bias === true && !activation && allIntoBN)
    warn(
      'bias-before-bn',
      `use_bias=True right before BatchNormalization: BN subtracts the batch mean, which cancels this bias, so its ${biasCount(info)} parameters never matter`,
      'set use_bias=False on this layer; BN’s beta does the shifting',
    );

  if (node.className === 'BatchNormalization') {
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
        before.className === 'Activation' || before.className === 'ReLU' || before.className === 'LeakyReLU'
          ? `move ${nodes.get(before.id)!.name} after this BatchNormalization`
          : `set activation=None (and use_bias=False) on ${nodes.get(before.id)!.name} and add an Activation('${beforeActivation}') after this BatchNormalization`,
      );
  }

  if (activation === 'softmax' && consumers.length > 0 && !consumers.every((c) => c.className === 'BatchNormalization'))
    warn(
      'softmax-not-last',
      `softmax is applied here, but ${consumers.map((c) => nodes.get(c.id)!.name).join(', ')} ${consumers.length === 1 ? 'follows' : 'follow'}: softmax belongs on the output layer`,
      "use relu (or no activation) inside the network and softmax only at the end",
    );
}

function biasCount(info: NodeInfo): number {
  const bias = info.weights.find((w) => w.name === 'bias');
  return bias ? bias.shape[0] : 0;
}

