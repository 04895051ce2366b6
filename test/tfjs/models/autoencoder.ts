// A convolutional autoencoder: encoder and decoder are models of their own, applied in a third.
import * as tf from '@tensorflow/tfjs';

export function buildEncoder(latent = 32): tf.LayersModel {
  const input = tf.input({ shape: [64, 64, 1] });
  let x = tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const z = tf.layers.dense({ units: latent, name: 'latent' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: z, name: 'encoder' });
}

export function buildDecoder(latent = 32): tf.LayersModel {
  const z = tf.input({ shape: [latent] });
  let x = tf.layers.dense({ units: 8 * 8 * 64, activation: 'relu' }).apply(z) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [8, 8, 64] }).apply(x) as tf.SymbolicTensor;
  for (const filters of [64, 32, 16]) {
    x = tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  }
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: z, outputs: out, name: 'decoder' });
}

export function buildAutoencoder(): tf.LayersModel {
  const encoder = buildEncoder();
  const decoder = buildDecoder();
  const input = tf.input({ shape: [64, 64, 1] });
  const reconstruction = decoder.apply(encoder.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: reconstruction, name: 'autoencoder' });
}
