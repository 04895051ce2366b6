// A browser script loaded after TF.js's <script> tag: no imports, the global `tf`.
const IMAGE_SIZE = 32;
const NUM_CLASSES = 4;

function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 3], filters: 16, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.25 }));
  model.add(tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax' }));
  return model;
}

const model = createModel();
model.summary();

if (typeof document !== 'undefined') {
  document.getElementById('train').addEventListener('click', async () => {
    await model.fit(window.trainXs, window.trainYs, { epochs: 5 });
  });
}
