// A GAN kept in one class (plain JavaScript): the generator and discriminator are fields.
const tf = require('@tensorflow/tfjs');

class Gan {
  constructor(latentDim = 64, imageSize = 28) {
    this.latentDim = latentDim;
    this.imageSize = imageSize;
    this.generator = this.buildGenerator();
    this.discriminator = this.buildDiscriminator();
  }

  buildGenerator() {
    const quarter = this.imageSize / 4;
    return tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [this.latentDim], units: quarter * quarter * 32 }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.reshape({ targetShape: [quarter, quarter, 32] }),
        tf.layers.conv2dTranspose({ filters: 16, kernelSize: 4, strides: 2, padding: 'same' }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
      ],
    });
  }

  buildDiscriminator() {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [this.imageSize, this.imageSize, 1], filters: 16, kernelSize: 4, strides: 2, padding: 'same' }));
    model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    model.add(tf.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same' }));
    model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    return model;
  }
}

module.exports = { Gan };
