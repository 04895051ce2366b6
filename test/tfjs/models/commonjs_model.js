// Plain JavaScript with require(): a top-level model and a helper that stacks blocks.
const tf = require('@tensorflow/tfjs');

function stack(model, sizes) {
  sizes.forEach((filters, i) => {
    model.add(tf.layers.conv2d({ filters, kernelSize: 3, padding: i % 2 === 0 ? 'same' : 'valid', activation: 'relu' }));
    if (i % 2 === 1) model.add(tf.layers.maxPooling2d({ poolSize: 3, strides: 2 }));
  });
}

const model = tf.sequential();
model.add(tf.layers.conv2d({ inputShape: [64, 64, 3], filters: 16, kernelSize: 5, strides: 2 }));
stack(model, [16, 32, 32, 64]);
model.add(tf.layers.globalAveragePooling2d({}));
model.add(tf.layers.dense({ units: 3 }));

module.exports = { model };
