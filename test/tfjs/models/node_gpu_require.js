// A Node training script on the GPU build, CommonJS.
const tf = require('@tensorflow/tfjs-node-gpu');

const WINDOW = 50;
const FEATURES = 6;

function buildForecaster(hidden = 32) {
  const model = tf.sequential();
  model.add(tf.layers.lstm({ inputShape: [WINDOW, FEATURES], units: hidden, returnSequences: true }));
  model.add(tf.layers.lstm({ units: hidden / 2 }));
  model.add(tf.layers.dense({ units: 1 }));
  return model;
}

module.exports = { buildForecaster };
