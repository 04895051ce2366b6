// Cells wrapped by tf.layers.rnn: a stack given as an array, stackedRNNCells, a single cell.
import * as tf from '@tensorflow/tfjs';

export function stackedCells(): tf.Sequential {
  const cells = [tf.layers.lstmCell({ units: 48 }), tf.layers.gruCell({ units: 24 }), tf.layers.simpleRNNCell({ units: 12 })];
  const model = tf.sequential();
  model.add(tf.layers.rnn({ cell: cells, inputShape: [20, 8], returnSequences: true }));
  model.add(tf.layers.rnn({ cell: tf.layers.stackedRNNCells({ cells: [tf.layers.gruCell({ units: 6 }), tf.layers.lstmCell({ units: 5 })] }) }));
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}

export function withStates(): tf.LayersModel {
  const x = tf.input({ shape: [15, 3] });
  const [seq, h, c] = tf.layers.rnn({ cell: tf.layers.lstmCell({ units: 10 }), returnSequences: true, returnState: true }).apply(x) as tf.SymbolicTensor[];
  const last = tf.layers.simpleRNN({ units: 10 }).apply(seq!) as tf.SymbolicTensor;
  const merged = tf.layers.add().apply([last, h!, c!]) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: merged });
}
