// The short factory names TF.js also exports (maxPool2d, globalMaxPool2d, tf.layers.input, …),
// as tutorials and older projects write them.
import * as tf from '@tensorflow/tfjs';

export function aliasNet(): tf.LayersModel {
  const image = tf.layers.input({ shape: [48, 48, 1] });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }).apply(image) as tf.SymbolicTensor;
  x = tf.layers.maxPool2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.avgPool2d({ poolSize: 3, strides: 2 }).apply(x) as tf.SymbolicTensor;
  const pooled = tf.layers.globalMaxPool2d({}).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 7, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: out });
}

export function signalNet(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv1d({ inputShape: [128, 2], filters: 4, kernelSize: 5 }));
  model.add(tf.layers.maxPool1d({ poolSize: 4 }));
  model.add(tf.layers.avgPool1d({ poolSize: 2 }));
  model.add(tf.layers.globalMaxPool1d({}));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}
