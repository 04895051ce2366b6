// A 1-D convolutional classifier for accelerometer windows (128 samples × 3 axes).
import * as tf from '@tensorflow/tfjs';

const WINDOW = 128;
const CHANNELS = 3;

export const model = tf.sequential({
  layers: [
    tf.layers.conv1d({ inputShape: [WINDOW, CHANNELS], filters: 32, kernelSize: 7, activation: 'relu' }),
    tf.layers.maxPooling1d({ poolSize: 2 }),
    tf.layers.conv1d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu' }),
    tf.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
    tf.layers.conv1d({ filters: 64, kernelSize: 3, dilationRate: 2, activation: 'relu' }),
    tf.layers.spatialDropout1d({ rate: 0.1 }),
    tf.layers.globalMaxPooling1d({}),
    tf.layers.dense({ units: 6, activation: 'softmax' }),
  ],
});
