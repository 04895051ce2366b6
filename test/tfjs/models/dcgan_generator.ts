// The DCGAN generator of the TensorFlow tutorial, ported to TF.js: dense → reshape → transposed
// convolutions with kernel 5 and stride 2 ('same' padding) — which overlap unevenly.
import * as tf from '@tensorflow/tfjs';

const LATENT_DIM = 100;

export function makeGenerator(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 7 * 7 * 256, useBias: false, inputShape: [LATENT_DIM] }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.leakyReLU());
  model.add(tf.layers.reshape({ targetShape: [7, 7, 256] }));
  model.add(tf.layers.conv2dTranspose({ filters: 128, kernelSize: [5, 5], strides: [1, 1], padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.leakyReLU());
  model.add(tf.layers.conv2dTranspose({ filters: 64, kernelSize: [5, 5], strides: [2, 2], padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.leakyReLU());
  model.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: [5, 5], strides: [2, 2], padding: 'same', useBias: false, activation: 'tanh' }));
  return model;
}

/** The same generator with 4×4 kernels (divisible by the stride) and a 'valid' last layer. */
export function makeEvenGenerator(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 4 * 4 * 128, inputShape: [LATENT_DIM] }));
  model.add(tf.layers.reshape({ targetShape: [4, 4, 128] }));
  model.add(tf.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }));
  model.add(tf.layers.reLU());
  model.add(tf.layers.conv2dTranspose({ filters: 32, kernelSize: 4, strides: 2, padding: 'same' }));
  model.add(tf.layers.reLU());
  model.add(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, padding: 'valid', activation: 'tanh' }));
  return model;
}
