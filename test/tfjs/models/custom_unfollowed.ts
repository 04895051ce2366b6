// A sub-pixel up-sampler whose custom layer reads its factor with a regular expression, which
// ConvLens does not run: the layer and those after it are unknown, the ones before are exact.
import * as tf from '@tensorflow/tfjs';

class PixelShuffle extends tf.layers.Layer {
  static className = 'PixelShuffle';
  private readonly mode: string;

  constructor(config: { mode: string; name?: string }) {
    super(config);
    this.mode = config.mode;
  }

  private get factor(): number {
    const match = /^x(\d+)$/.exec(this.mode);
    if (!match) throw new Error(`bad mode ${this.mode}`);
    return Number(match[1]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, h, w, c] = inputShape as number[];
    const r = this.factor;
    return [batch!, h! * r, w! * r, c! / (r * r)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.depthToSpace(inputs as tf.Tensor4D, this.factor);
  }
}
tf.serialization.registerClass(PixelShuffle);

export function upsampler(): tf.LayersModel {
  const lowRes = tf.input({ shape: [16, 16, 3] });
  let x = tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu' }).apply(lowRes) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 3 * 4, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  x = new PixelShuffle({ mode: 'x2' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: lowRes, outputs: out });
}
