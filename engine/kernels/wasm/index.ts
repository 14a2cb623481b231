// AssemblyScript entry: the kernels the host calls, by name, on the main thread and on every worker.
export { claim } from './claim';
export { MR, NR, KC, MC, packBFull, packBShared, packedBSize, gemm, gemmPrepacked, gemmShared } from './gemm';
export { BLOCK, DR, conv2dDirect, packFilterPanelsShared, conv2dForward, conv2dBackpropInput, conv2dBackpropFilter } from './conv';
export { channelMoments, gradSums, channelAffine, momentsCoefficients, gradCoefficients } from './batch-norm';
export { WT, conv2dWinograd, conv2dWinogradFilter, winogradFilterShared } from './winograd';
export { WT4, conv2dWinograd4, conv2dWinograd4Filter, winogradFilter4Shared, winogradFilterOutput4 } from './winograd4';
export {
  CHUNK, ACT_RELU, ACT_RELU6, ACT_LEAKY, ACT_LINEAR, biasActivation, activationGradRows, foldPartials, addStripes,
} from './elementwise';
export { SMALL_STRIPES, conv2dSmallC, conv2dSmallCFilter } from './conv-small';
export { maxPoolForward, maxPoolGrad } from './max-pool';
export { adamUpdate, adamUpdateMany } from './adam-update';
export { lstmCell, lstmCellGrad, gruCell, gruCellGrad, lstmCellAct, lstmCellGradAct, gruCellAct, gruCellGradAct } from './recurrent';
export { lstmForward, lstmBackward, gruForward, gruBackward, recurrentWeightGrads } from './recurrent-sequence';
export { softmaxRows, softmaxInner, softmaxGradLines, logSoftmaxRows, logSoftmaxGradRows } from './softmax';
export { softmaxCrossEntropyRows } from './softmax-cross-entropy';
export { globalAvgPoolForward, globalAvgPoolBackward, globalMaxPoolForward, globalMaxPoolBackward } from './global-pool';
export {
  depthwiseForward, depthwiseBackpropInput, depthwiseBackpropFilter, repeatChannels, sumChannelGroups,
} from './depthwise';
export { avgPoolForward, avgPoolBackward } from './avg-pool';
export {
  OP_ADD, OP_MUL, OP_SUB, OP_AVG, OP_MAX, OP_MIN, binaryRows, mergeGradRows, copyRuns, scaleChannelsRows, scaleChannelsGrad,
} from './add';
export { dropoutForward } from './dropout';
export {
  ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_RELU6, ACT_SIGMOID, ACT_TANH, ACT_SILU, ACT_GELU, ACT_GELU_TANH, ACT_ELU, ACT_SELU, ACT_EXP, ACT_HARD_SIGMOID, ACT_HARD_SILU,
  ACT_SOFTPLUS, ACT_SOFTSIGN, ACT_MISH, ACT_CELU, ACT_LOG_SIGMOID, ACT_TANH_SHRINK, ACT_SQUAREPLUS, ACT_HARD_TANH,
  ACT_SPARSE_PLUS, ACT_SPARSE_SIGMOID, ACT_SOFT_SHRINK, ACT_HARD_SHRINK, activationForward, activationBackward,
} from './activations';
export { upSampleForward, upSampleBackward, upSampleBilinearForward, upSampleBilinearBackward } from './up-sample';
export { layerNormForward, layerNormBackward, layerNormParamGrads } from './layer-norm';
export { windowCopy } from './zero-pad';
export { affineRows } from './affine';
export { transposeRows } from './transpose';
export { reverseSteps } from './reverse-steps';
export { repeatRows, repeatRowsGrad } from './repeat-vector';
export { embeddingGather, embeddingScatter } from './embedding';
