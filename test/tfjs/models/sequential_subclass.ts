// Models that are subclasses of tf.Sequential and tf.LayersModel.
import * as tf from '@tensorflow/tfjs';

export class LeNet5 extends tf.Sequential {
  static override className = 'LeNet5';

  constructor() {
    super({
      layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 6, kernelSize: 5, activation: 'tanh' }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'tanh' }),
        tf.layers.averagePooling2d({ poolSize: 2 }),
      ],
    });
    this.add(tf.layers.flatten());
    for (const units of [120, 84]) this.add(tf.layers.dense({ units, activation: 'tanh' }));
    this.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  }
}

export class WideAndDeep extends tf.LayersModel {
  constructor(wideFeatures = 20, deepFeatures = 12) {
    const wide = tf.input({ shape: [wideFeatures], name: 'wide' });
    const deep = tf.input({ shape: [deepFeatures], name: 'deep' });
    let h = deep;
    for (const units of [32, 16]) h = tf.layers.dense({ units, activation: 'relu' }).apply(h) as tf.SymbolicTensor;
    const both = tf.layers.concatenate().apply([wide, h]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(both) as tf.SymbolicTensor;
    super({ inputs: [wide, deep], outputs: out });
  }
}
