// Building blocks shared by model files (imported by uses_blocks.ts).
import * as tf from '@tensorflow/tfjs';

export function convBnRelu(x: tf.SymbolicTensor, filters: number, strides = 1): tf.SymbolicTensor {
  const c = tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', useBias: false }).apply(x);
  const b = tf.layers.batchNormalization().apply(c);
  return tf.layers.reLU().apply(b) as tf.SymbolicTensor;
}

export const upsample = (x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor =>
  tf.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;

export const BASE_FILTERS = 12;
