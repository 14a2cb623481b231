import { activation, activationGrad } from './activations';
import { adamUpdate, adamUpdateMany } from './adam-update';
import { affine } from './affine';
import { softmaxAxis, softmaxAxisGrad } from './softmax-axis';
import { transpose } from './transpose';
import { reverseSteps } from './reverse-steps';
import { repeatVector, repeatVectorGrad } from './repeat-vector';
import { embedding, embeddingGrad } from './embedding';
import { add, addGrad } from './add';
import { avgPool, avgPoolGrad } from './avg-pool';
import { batchNormInfer, batchNormTrain } from './batch-norm';
import { batchNormBackward } from './batch-norm-backward';
import { biasAdd, biasAddGrad } from './bias-add';
import { biasActivation, biasActivationGrad } from './bias-activation';
import { concat, concatGrad } from './concat';
import { merge, mergeGrad, scaleChannels, scaleChannelsGrad } from './merge';
import { upSampleBilinear, upSampleBilinearGrad, upSampleNearest, upSampleNearestGrad } from './up-sample';
import { layerNorm, layerNormGrad } from './layer-norm';
import { conv2d } from './conv2d';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { conv2dBackpropInput } from './conv2d-backprop-input';
import { depthwiseConv2d, depthwiseConv2dBackpropFilter, depthwiseConv2dBackpropInput } from './depthwise-conv2d';
import { dropout, dropoutGrad } from './dropout';
import { globalAvgPool, globalAvgPoolGrad, globalMaxPool, globalMaxPoolGrad } from './global-pool';
import { gruCell, gruCellGrad, gruSequence, gruSequenceGrad } from './gru-cell';
import { lstmCell, lstmCellGrad, lstmSequence, lstmSequenceGrad } from './lstm-cell';
import { matMul } from './matmul';
import { maxPool, maxPoolGrad } from './max-pool';
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from './softmax-cross-entropy';
import type { Backend } from './types';
import { zeroPad2d, zeroPad2dGrad } from './zero-pad2d';

/** Plain TypeScript kernels, written to be read and trusted; the fast backend is tested against these. */
export const referenceBackend: Backend = {
  name: 'reference',
  matMul,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  depthwiseConv2d,
  depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter,
  maxPool,
  maxPoolGrad,
  avgPool,
  avgPoolGrad,
  globalAvgPool,
  globalAvgPoolGrad,
  globalMaxPool,
  globalMaxPoolGrad,
  batchNormTrain,
  batchNormInfer,
  batchNormBackward,
  activation,
  activationGrad,
  softmaxCrossEntropy,
  softmaxCrossEntropyGrad,
  dropout,
  dropoutGrad,
  zeroPad2d,
  zeroPad2dGrad,
  add,
  addGrad,
  merge,
  mergeGrad,
  scaleChannels,
  scaleChannelsGrad,
  upSampleNearest,
  upSampleNearestGrad,
  upSampleBilinear,
  upSampleBilinearGrad,
  layerNorm,
  layerNormGrad,
  concat,
  concatGrad,
  biasAdd,
  biasAddGrad,
  affine,
  softmaxAxis,
  softmaxAxisGrad,
  transpose,
  reverseSteps,
  repeatVector,
  repeatVectorGrad,
  embedding,
  embeddingGrad,
  biasActivation,
  biasActivationGrad,
  lstmCell,
  lstmCellGrad,
  gruCell,
  gruCellGrad,
  lstmSequence: (p) => lstmSequence(p),
  lstmSequenceGrad: (p) => lstmSequenceGrad(p),
  gruSequence: (p) => gruSequence(p),
  gruSequenceGrad: (p) => gruSequenceGrad(p),
  adamUpdate,
  adamUpdateMany,
};
