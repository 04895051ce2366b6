// A MobileNet-like network: a stem, then depthwise-separable blocks built from a config table by
// a helper, a separableConv2d head and global average pooling.
import * as tf from '@tensorflow/tfjs';

const BLOCKS: [number, number][] = [
  // [pointwise filters, stride]
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
];

function depthwiseSeparable(x: tf.SymbolicTensor, filters: number, stride: number, alpha: number): tf.SymbolicTensor {
  let y = tf.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: Math.round(filters * alpha), kernelSize: 1, useBias: false }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  return tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor;
}

export function mobileNetLike(alpha = 0.75, size = 160): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3] });
  let x = tf.layers.conv2d({ filters: Math.round(32 * alpha), kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
  for (const [filters, stride] of BLOCKS) {
    x = depthwiseSeparable(x, filters, stride, alpha);
  }
  x = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.separableConv2d({ filters: 256, kernelSize: 3, padding: 'same', depthMultiplier: 1, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2 }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 5, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}
