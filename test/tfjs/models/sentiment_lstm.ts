// Sentiment classification of padded word sequences: embedding, LSTM, dense.
import * as tf from '@tensorflow/tfjs';

const VOCAB_SIZE = 10000;
const MAX_LEN = 100;
const EMBEDDING_DIM = 32;

export function sentimentModel(kind: 'lstm' | 'gru' | 'simpleRNN' = 'lstm'): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: VOCAB_SIZE, outputDim: EMBEDDING_DIM, inputLength: MAX_LEN }));
  const recurrent = { units: 64, dropout: 0.2, recurrentDropout: 0.2 };
  if (kind === 'lstm') model.add(tf.layers.lstm(recurrent));
  else if (kind === 'gru') model.add(tf.layers.gru(recurrent));
  else model.add(tf.layers.simpleRNN(recurrent));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return model;
}
