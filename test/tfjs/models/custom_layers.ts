// Custom layers with weights: built from the input shape with addWeight, registered for
// serialisation, used in sequential and functional models.
import * as tf from '@tensorflow/tfjs';

interface ScaledDenseArgs {
  units: number;
  useBias?: boolean;
  inputShape?: number[];
  name?: string;
}

export class ScaledDense extends tf.layers.Layer {
  static className = 'ScaledDense';
  private readonly units: number;
  private readonly useBias: boolean;
  private kernel!: tf.LayerVariable;
  private scale!: tf.LayerVariable;
  private bias: tf.LayerVariable | null = null;

  constructor(args: ScaledDenseArgs) {
    super(args);
    this.units = args.units;
    this.useBias = args.useBias ?? true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const inputDim = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [inputDim, this.units], 'float32', tf.initializers.glorotUniform({}));
    this.scale = this.addWeight('scale', [this.units], 'float32', tf.initializers.ones());
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const y = tf.matMul(x as tf.Tensor2D, this.kernel.read() as tf.Tensor2D).mul(this.scale.read());
      return this.bias ? y.add(this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, useBias: this.useBias };
  }
}
tf.serialization.registerClass(ScaledDense);

/** Channel attention over a feature map: a learned weight per channel, shape unchanged. */
class ChannelGate extends tf.layers.Layer {
  static get className() {
    return 'ChannelGate';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const channels = (inputShape as tf.Shape)[3] as number;
    this.addWeight('gate', [1, 1, 1, channels], 'float32', tf.initializers.ones());
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return inputs as tf.Tensor;
  }
}
tf.serialization.registerClass(ChannelGate);

export function tabular(): tf.Sequential {
  const model = tf.sequential();
  model.add(new ScaledDense({ units: 32, inputShape: [10] }));
  model.add(tf.layers.reLU());
  model.add(new ScaledDense({ units: 3, useBias: false }));
  return model;
}

export function gatedCnn(): tf.LayersModel {
  const image = tf.input({ shape: [24, 24, 3] });
  let x = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: 'same' }).apply(image) as tf.SymbolicTensor;
  x = new ChannelGate({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const out = new ScaledDense({ units: 5, name: 'head' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: out });
}
