// Self-attention over a sequence with dot products, then reshape and permute of the result.
import * as tf from '@tensorflow/tfjs';

const STEPS = 12;
const FEATURES = 20;
const KEY_DIM = 16;

function project(x: tf.SymbolicTensor, units: number, name: string): tf.SymbolicTensor {
  return tf.layers.dense({ units, useBias: false, name }).apply(x) as tf.SymbolicTensor;
}

export function selfAttention(): tf.LayersModel {
  const x = tf.input({ shape: [STEPS, FEATURES] });
  const h = tf.layers.gru({ units: 24, returnSequences: true }).apply(x) as tf.SymbolicTensor;
  const [q, k, v] = ['query', 'key', 'value'].map((name) => project(h, KEY_DIM, name));
  const scores = tf.layers.dot({ axes: -1 }).apply([q!, k!]) as tf.SymbolicTensor;
  const weights = tf.layers.softmax().apply(scores) as tf.SymbolicTensor;
  const attended = tf.layers.dot({ axes: [2, 1] }).apply([weights, v!]) as tf.SymbolicTensor;
  const heads = tf.layers.reshape({ targetShape: [STEPS, 4, KEY_DIM / 4] }).apply(attended) as tf.SymbolicTensor;
  const swapped = tf.layers.permute({ dims: [2, 1, 3] }).apply(heads) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(swapped) as tf.SymbolicTensor;
  const pooled = tf.layers.dot({ axes: 1, normalize: true }).apply([tf.layers.dense({ units: 8 }).apply(flat) as tf.SymbolicTensor, tf.layers.dense({ units: 8 }).apply(flat) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: pooled });
}
