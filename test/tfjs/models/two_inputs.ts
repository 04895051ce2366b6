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

/** A Siamese pair: one convolutional tower (shared layers) applied to both images. */
export function siamese(): tf.LayersModel {
  const left = tf.input({ shape: [28, 28, 1] });
  const right = tf.input({ shape: [28, 28, 1] });
  const tower = [
    tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 16 }),
  ];
  const embed = (x: tf.SymbolicTensor) => tower.reduce((t, layer) => layer.apply(t) as tf.SymbolicTensor, x);
  const distance = tf.layers.concatenate().apply([embed(left), embed(right)]) as tf.SymbolicTensor;
  const same = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(distance) as tf.SymbolicTensor;
  return tf.model({ inputs: [left, right], outputs: same });
}
