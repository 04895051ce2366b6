// An Xception-style entry flow: separable convolutions with depth multipliers, a stride, a
// dilation and an uneven kernel, a depthwise convolution with a multiplier, then a transposed
// convolution back up and a dense layer applied per pixel (the last axis of a rank-4 tensor).
import * as tf from '@tensorflow/tfjs';

export function entryFlow(size = 64): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3] });
  let x = tf.layers.separableConv2d({ filters: 32, kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  x = tf.layers.separableConv2d({ filters: 48, kernelSize: [3, 5], dilationRate: 2, depthMultiplier: 3, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ kernelSize: 5, depthMultiplier: 2, strides: 2, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2dTranspose({ filters: 8, kernelSize: 4, strides: 2, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}
