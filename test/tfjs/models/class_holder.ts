// A model kept by a class, as apps that wrap training state do: the constructor builds it.
import * as tf from '@tensorflow/tfjs';

export class DigitRecognizer {
  readonly model: tf.Sequential;
  private readonly classes: number;

  constructor(classes = 10) {
    this.classes = classes;
    this.model = tf.sequential();
    this.addFeatureExtractor();
    this.model.add(tf.layers.flatten());
    this.model.add(tf.layers.dense({ units: this.hiddenUnits, activation: 'relu' }));
    this.model.add(tf.layers.dense({ units: this.classes, activation: 'softmax' }));
  }

  get hiddenUnits(): number {
    return this.classes * 8;
  }

  private addFeatureExtractor(): void {
    this.model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu' }));
    this.model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    this.model.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }));
    this.model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  }

  compile(): void {
    this.model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  }
}

export const recognizer = new DigitRecognizer();
