// Sequence tagging with bidirectional recurrent layers: every merge mode, and returned states.
import * as tf from '@tensorflow/tfjs';

const TOKENS = 30;
const FEATURES = 50;
const TAGS = 9;

export function tagger(): tf.LayersModel {
  const words = tf.input({ shape: [TOKENS, FEATURES] });
  let x = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 32, returnSequences: true }) as tf.RNN }).apply(words) as tf.SymbolicTensor;
  for (const mergeMode of ['sum', 'mul', 'ave'] as const) {
    x = tf.layers.bidirectional({ layer: tf.layers.gru({ units: 16, returnSequences: true }) as tf.RNN, mergeMode }).apply(x) as tf.SymbolicTensor;
  }
  const tags = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: TAGS, activation: 'softmax' }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: words, outputs: tags });
}

export function sentenceEncoder(): tf.LayersModel {
  const words = tf.input({ shape: [TOKENS, FEATURES] });
  const outs = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 24, returnState: true }) as tf.RNN }).apply(words) as tf.SymbolicTensor[];
  const [merged, forwardH, , backwardH] = outs;
  // @ts-expect-error TF.js takes mergeMode null (both directions, unmerged); its typings do not say so
  const both = tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 8 }) as tf.RNN, mergeMode: null }).apply(words) as tf.SymbolicTensor[];
  const summary = tf.layers.concatenate().apply([merged!, forwardH!, backwardH!, ...both]) as tf.SymbolicTensor;
  return tf.model({ inputs: words, outputs: tf.layers.dense({ units: 4 }).apply(summary) as tf.SymbolicTensor });
}
