// Layers that reshape, pad, crop and resize, built through small helpers and object spreads.
import * as tf from '@tensorflow/tfjs';

const same = { padding: 'same' as const, activation: 'relu' as const };

function upBlock(x: tf.SymbolicTensor, filters: number, bilinear: boolean): tf.SymbolicTensor {
  const up = tf.layers.upSampling2d({ size: [2, 2], interpolation: bilinear ? 'bilinear' : 'nearest' }).apply(x);
  return tf.layers.conv2d({ ...same, filters, kernelSize: 3 }).apply(up) as tf.SymbolicTensor;
}

export function assorted(): tf.LayersModel {
  const input = tf.input({ shape: [30, 40, 3] });
  let x = tf.layers.zeroPadding2d({ padding: [1, 2] }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ ...same, filters: 16, kernelSize: [3, 5], strides: [2, 3] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.cropping2D({ cropping: [[1, 0], [2, 1]] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.prelu({ sharedAxes: [1, 2] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 24, kernelSize: 3, dilationRate: [2, 1] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.layerNormalization({ axis: -1 }).apply(x) as tf.SymbolicTensor;
  x = upBlock(x, 16, true);
  x = upBlock(x, 8, false);
  x = tf.layers.elu().apply(x) as tf.SymbolicTensor;
  x = tf.layers.permute({ dims: [3, 1, 2] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [8, 1760] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 4, useBias: false }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.prelu().apply(x) as tf.SymbolicTensor;
  x = tf.layers.gaussianNoise({ stddev: 0.1 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.softmax().apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

export function tokens(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: 1000, outputDim: 16, inputLength: 20 }));
  model.add(tf.layers.conv1d({ filters: 32, kernelSize: 3, padding: 'same' }));
  model.add(tf.layers.globalAveragePooling1d({}));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}
