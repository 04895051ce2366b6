// A module shared by Node and the browser: TF.js is handed in.
function createModel(tf, { inputSize = 784, hidden = [128, 64], classes = 10 } = {}) {
  const layers = hidden.map((units, i) => tf.layers.dense(Object.assign({ units, activation: 'relu' }, i === 0 ? { inputShape: [inputSize] } : {})));
  return tf.sequential({ layers: [...layers, tf.layers.dense({ units: classes, activation: 'softmax' })] });
}

module.exports = { createModel };
