// A VGG-style stack in one tf.sequential({layers}) literal, channels-first, with the layer list
// spread from a helper.
import * as tf from '@tensorflow/tfjs';

const block = (filters: number, convs: number): tf.layers.Layer[] => [
  ...Array.from({ length: convs }, () =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', dataFormat: 'channelsFirst' }),
  ),
  tf.layers.averagePooling2d({ poolSize: 2, dataFormat: 'channelsFirst' }),
];

export const vgg = tf.sequential({
  name: 'vgg_small',
  layers: [
    tf.layers.inputLayer({ inputShape: [3, 96, 96] }),
    ...block(32, 2),
    ...block(64, 2),
    ...block(128, 3),
    tf.layers.conv2d({ filters: 128, kernelSize: 3, dilationRate: 2, padding: 'same', dataFormat: 'channelsFirst' }),
    tf.layers.globalMaxPooling2d({ dataFormat: 'channelsFirst' }),
    tf.layers.dense({ units: 20 }),
  ],
});
