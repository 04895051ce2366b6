// A character-level language model: stacked GRUs over one-hot characters, a softmax per step.
import * as tf from '@tensorflow/tfjs';

const CHARSET = 'abcdefghijklmnopqrstuvwxyz .,;!?\n';
const SEQ_LEN = 40;

export function charRnn(layerSizes = [128, 128]): tf.Sequential {
  const model = tf.sequential();
  layerSizes.forEach((units, i) => {
    model.add(tf.layers.gru({ units, returnSequences: true, ...(i === 0 ? { inputShape: [SEQ_LEN, CHARSET.length] } : {}) }));
  });
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: CHARSET.length, activation: 'softmax' }) }));
  return model;
}

export function nextCharModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ units: 96, inputShape: [SEQ_LEN, CHARSET.length] }));
  model.add(tf.layers.dense({ units: CHARSET.length, activation: 'softmax' }));
  return model;
}
