// A variational autoencoder on MNIST-sized images: a custom sampling layer draws z from
// (zMean, zLogVar) with the reparameterisation trick.
import * as tf from '@tensorflow/tfjs';

const ORIGINAL_DIM = 28 * 28;
const INTERMEDIATE_DIM = 256;
const LATENT_DIM = 2;

class ZLayer extends tf.layers.Layer {
  constructor(config?: { name?: string }) {
    super(config ?? {});
  }

  override computeOutputShape(inputShape: tf.Shape[]): tf.Shape {
    tf.util.assert(inputShape.length === 2 && Array.isArray(inputShape[0]), () => `expected 2 input shapes, got ${inputShape.length}`);
    return inputShape[0]!;
  }

  override call(inputs: tf.Tensor[]): tf.Tensor {
    const [zMean, zLogVar] = inputs as [tf.Tensor2D, tf.Tensor2D];
    return tf.tidy(() => {
      const epsilon = tf.randomNormal(zMean.shape);
      return zMean.add(zLogVar.mul(0.5).exp().mul(epsilon));
    });
  }

  static get className(): string {
    return 'ZLayer';
  }
}
tf.serialization.registerClass(ZLayer);

function encoder(): tf.LayersModel {
  const inputs = tf.input({ shape: [ORIGINAL_DIM], name: 'encoder_input' });
  const x = tf.layers.dense({ units: INTERMEDIATE_DIM, activation: 'relu' }).apply(inputs) as tf.SymbolicTensor;
  const zMean = tf.layers.dense({ units: LATENT_DIM, name: 'z_mean' }).apply(x) as tf.SymbolicTensor;
  const zLogVar = tf.layers.dense({ units: LATENT_DIM, name: 'z_log_var' }).apply(x) as tf.SymbolicTensor;
  const z = new ZLayer({ name: 'z' }).apply([zMean, zLogVar]) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs: [zMean, zLogVar, z], name: 'encoder' });
}

function decoder(): tf.LayersModel {
  const latent = tf.input({ shape: [LATENT_DIM], name: 'z_sampling' });
  const x = tf.layers.dense({ units: INTERMEDIATE_DIM, activation: 'relu' }).apply(latent) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: ORIGINAL_DIM, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: latent, outputs: out, name: 'decoder' });
}

export function vae(): tf.LayersModel {
  const enc = encoder();
  const dec = decoder();
  const inputs = tf.input({ shape: [ORIGINAL_DIM] });
  const [, , z] = enc.apply(inputs) as tf.SymbolicTensor[];
  const outputs = dec.apply(z!) as tf.SymbolicTensor;
  return tf.model({ inputs, outputs, name: 'vae' });
}
