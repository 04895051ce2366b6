// Two inputs (an image and metadata) merged in a functional model; multiply, average, maximum
// and a dense layer on a rank-3 tensor.
import * as tf from '@tensorflow/tfjs';

export function fusion(): tf.LayersModel {
  const image = tf.input({ shape: [48, 48, 1], name: 'image' });
  const meta = tf.input({ shape: [12], name: 'meta' });

  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }).apply(image) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const pooledMax = tf.layers.globalMaxPooling2d({}).apply(x) as tf.SymbolicTensor;
  const pooledAvg = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.average().apply([pooledMax, pooledAvg]) as tf.SymbolicTensor;

  const m = tf.layers.dense({ units: 16, activation: 'relu' }).apply(meta) as tf.SymbolicTensor;
  const gated = tf.layers.multiply().apply([pooled, m]) as tf.SymbolicTensor;
  const best = tf.layers.maximum().apply([gated, pooled]) as tf.SymbolicTensor;
  const both = tf.layers.concatenate().apply([best, m]) as tf.SymbolicTensor;
  const seq = tf.layers.repeatVector({ n: 4 }).apply(both) as tf.SymbolicTensor;
  const perStep = tf.layers.dense({ units: 8 }).apply(seq) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(perStep) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: [image, meta], outputs: out });
}
