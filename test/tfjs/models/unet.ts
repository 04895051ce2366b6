// A small U-Net for 128×128 RGB segmentation: encoder blocks in a loop, skips kept in an array,
// decoder with conv2dTranspose and concatenate.
import * as tf from '@tensorflow/tfjs';

function convBlock(x: tf.SymbolicTensor, filters: number): tf.SymbolicTensor {
  let y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
}

export function buildUNet(inputSize = 128, numClasses = 3, depth = 4): tf.LayersModel {
  const inputs = tf.input({ shape: [inputSize, inputSize, 3] });
  const skips: tf.SymbolicTensor[] = [];
  let x = inputs;
  let filters = 16;
  for (let i = 0; i < depth; i++) {
    x = convBlock(x, filters);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
    filters *= 2;
  }
  x = convBlock(x, filters);
  for (let i = depth - 1; i >= 0; i--) {
    filters /= 2;
    const up = tf.layers.conv2dTranspose({ filters, kernelSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    const merged = tf.layers.concatenate({ axis: -1 }).apply([up, skips[i]]) as tf.SymbolicTensor;
    x = convBlock(merged, filters);
  }
  const outputs = tf.layers.conv2d({ filters: numClasses, kernelSize: 1, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs, name: 'unet' });
}
