// An encoder-decoder translator with Luong-style dot attention (functional API).
import * as tf from '@tensorflow/tfjs';

const SRC_VOCAB = 80;
const TGT_VOCAB = 60;
const SRC_LEN = 16;
const TGT_LEN = 14;
const LATENT = 64;

export function translator(): tf.LayersModel {
  const encoderInput = tf.input({ shape: [SRC_LEN], name: 'encoder_tokens' });
  const decoderInput = tf.input({ shape: [TGT_LEN], name: 'decoder_tokens' });

  const srcEmbedded = tf.layers.embedding({ inputDim: SRC_VOCAB, outputDim: 32 }).apply(encoderInput) as tf.SymbolicTensor;
  const encoder = tf.layers.lstm({ units: LATENT, returnSequences: true, returnState: true });
  const [encoderSeq, stateH, stateC] = encoder.apply(srcEmbedded) as tf.SymbolicTensor[];

  const tgtEmbedded = tf.layers.embedding({ inputDim: TGT_VOCAB, outputDim: 32 }).apply(decoderInput) as tf.SymbolicTensor;
  const decoderSeq = tf.layers.lstm({ units: LATENT, returnSequences: true }).apply(tgtEmbedded, { initialState: [stateH!, stateC!] }) as tf.SymbolicTensor;

  // score[t, s] = decoder_t · encoder_s; weights over s; context_t = Σ_s weight · encoder_s
  let attention = tf.layers.dot({ axes: [2, 2] }).apply([decoderSeq, encoderSeq!]) as tf.SymbolicTensor;
  attention = tf.layers.activation({ activation: 'softmax' }).apply(attention) as tf.SymbolicTensor;
  const context = tf.layers.dot({ axes: [2, 1] }).apply([attention, encoderSeq!]) as tf.SymbolicTensor;
  const combined = tf.layers.concatenate().apply([context, decoderSeq]) as tf.SymbolicTensor;
  const hidden = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: LATENT, activation: 'tanh' }) }).apply(combined) as tf.SymbolicTensor;
  const output = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: TGT_VOCAB, activation: 'softmax' }) }).apply(hidden) as tf.SymbolicTensor;
  return tf.model({ inputs: [encoderInput, decoderInput], outputs: output });
}
