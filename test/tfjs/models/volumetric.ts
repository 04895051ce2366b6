// A 3-D convolutional network for 32×32×32 volumes: conv3d, pooling3d, conv3dTranspose.
import * as tf from '@tensorflow/tfjs';

export function volumeNet(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv3d({ inputShape: [32, 32, 32, 1], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.maxPooling3d({ poolSize: 2 }));
  model.add(tf.layers.conv3d({ filters: 16, kernelSize: [3, 3, 1], strides: [2, 2, 1] }));
  model.add(tf.layers.averagePooling3d({ poolSize: [1, 2, 2], padding: 'same' }));
  model.add(tf.layers.conv3dTranspose({ filters: 8, kernelSize: 2, strides: 2, padding: 'valid' }));
  model.add(tf.layers.batchNormalization({ axis: -1, center: false }));
  return model;
}
