// A segmentation head built from blocks imported from another file.
import * as tf from '@tensorflow/tfjs';
import { BASE_FILTERS, convBnRelu, upsample as up } from './blocks';

export function segmenter(): tf.LayersModel {
  const input = tf.input({ shape: [96, 96, 3] });
  let x = convBnRelu(input, BASE_FILTERS, 2);
  x = convBnRelu(x, BASE_FILTERS * 2, 2);
  x = up(x, BASE_FILTERS);
  x = up(x, BASE_FILTERS);
  const out = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}
