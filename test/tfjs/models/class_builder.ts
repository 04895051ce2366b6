// A fluent builder class: methods that add blocks and return `this`, and build().
import * as tf from '@tensorflow/tfjs';

interface BlockOptions {
  filters: number;
  pool?: boolean;
}

export class ConvNetBuilder {
  private readonly layers: tf.layers.Layer[] = [];
  private inputShape: number[] = [64, 64, 3];

  withInput(shape: number[]): this {
    this.inputShape = shape;
    return this;
  }

  block({ filters, pool = true }: BlockOptions): this {
    const first = this.layers.length === 0;
    this.layers.push(tf.layers.conv2d({ ...(first ? { inputShape: this.inputShape } : {}), filters, kernelSize: 3, padding: 'same' }));
    this.layers.push(tf.layers.batchNormalization());
    this.layers.push(tf.layers.reLU());
    if (pool) this.layers.push(tf.layers.maxPool2d({ poolSize: 2 }));
    return this;
  }

  build(classes = 5): tf.Sequential {
    if (this.layers.length === 0) this.block({ filters: 16 }).block({ filters: 32 }).block({ filters: 64, pool: false });
    const model = tf.sequential({ layers: this.layers });
    model.add(tf.layers.globalAveragePooling2d({}));
    model.add(tf.layers.dense({ units: classes }));
    return model;
  }
}
