// AssemblyScript entry: the kernels the host calls, by name, on the main thread and on every worker.
export { MR, NR, KC, MC, packBFull, packedBSize, gemm, gemmPrepacked, gemmShared } from './gemm';
export { BLOCK, conv2dForward, conv2dBackpropInput, conv2dBackpropFilter } from './conv';
export { channelSums, gradSums, channelAffine } from './batch-norm';
