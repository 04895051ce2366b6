// Next-frame prediction on short clips: ConvLSTM2D stacks and per-frame convolutions.
import * as tf from '@tensorflow/tfjs';

const FRAMES = 6;
const SIZE = 32;

export function framePredictor(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }), inputShape: [FRAMES, SIZE, SIZE, 1] }));
  model.add(tf.layers.convLstm2d({ filters: 16, kernelSize: 3, padding: 'same', returnSequences: true }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.convLstm2d({ filters: 16, kernelSize: [3, 3], strides: 2 }));
  model.add(tf.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'sigmoid' }));
  return model;
}
