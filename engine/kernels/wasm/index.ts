// AssemblyScript entry: the kernels the host calls, by name, on the main thread and on every worker.
export { MR, NR, KC, MC, packBFull, packedBSize, gemm, gemmPrepacked, gemmShared } from './gemm';
export { BLOCK, DR, conv2dDirect, packFilterPanels, conv2dForward, conv2dBackpropInput, conv2dBackpropFilter } from './conv';
export { channelSums, gradSums, channelAffine } from './batch-norm';
export { WT, conv2dWinograd, winogradFilter } from './winograd';
export { ACT_RELU, ACT_RELU6, ACT_LEAKY, biasAdd, biasGrad, pointwiseActivation, pointwiseActivationGrad } from './elementwise';
export { maxPoolForward, maxPoolScatter } from './max-pool';
export { adamUpdate } from './adam-update';
