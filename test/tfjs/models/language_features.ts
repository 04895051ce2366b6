// Model code written with the JavaScript people actually use: destructured options with
// defaults, closures, template-literal names, spreads, switch, ternaries, optional chaining,
// Array.from, entries(), while and labelled loops, try/catch, reduce.
import * as tf from '@tensorflow/tfjs';

type Act = 'relu' | 'elu' | 'linear';

interface BlockOptions {
  filters: number;
  kernel?: number;
  stride?: number;
  norm?: 'batch' | 'layer' | null;
  act?: Act;
}

const defaults = { kernel: 3, stride: 1, padding: 'same' as const };

function activationLayer(kind: Act, name: string): tf.layers.Layer | null {
  switch (kind) {
    case 'elu':
      return tf.layers.elu({ name });
    case 'linear':
      return null;
    case 'relu':
    default:
      return tf.layers.reLU({ name });
  }
}

const makeConv = (prefix: string) => ({ filters, kernel = defaults.kernel, stride = defaults.stride }: BlockOptions, index: number) =>
  tf.layers.conv2d({ ...defaults, filters, kernelSize: kernel, strides: stride, name: `${prefix}_conv${index}` });

function block(x: tf.SymbolicTensor, opts: BlockOptions, index: number): tf.SymbolicTensor {
  const { norm = 'batch', act = 'relu' } = opts;
  let y = makeConv('stage')(opts, index).apply(x) as tf.SymbolicTensor;
  if (norm === 'batch') y = tf.layers.batchNormalization({ name: `bn${index}` }).apply(y) as tf.SymbolicTensor;
  else if (norm === 'layer') y = tf.layers.layerNormalization({ name: `ln${index}` }).apply(y) as tf.SymbolicTensor;
  const a = activationLayer(act, `act${index}`);
  return a ? (a.apply(y) as tf.SymbolicTensor) : y;
}

const PLAN: Record<string, BlockOptions[]> = {
  early: [{ filters: 8 }, { filters: 8, stride: 2, act: 'elu' }],
  late: [{ filters: 16, kernel: 5, norm: 'layer' }, { filters: 16, stride: 2, norm: null, act: 'linear' }],
};

export function featureful(config?: { size?: number; classes?: number }): tf.LayersModel {
  const size = config?.size ?? 40;
  const classes = config?.classes ?? 7;
  const input = tf.input({ shape: [size, size, 2] });
  let x: tf.SymbolicTensor = input;
  let index = 0;
  for (const [stage, blocks] of Object.entries(PLAN)) {
    for (const opts of blocks) {
      x = block(x, opts, index++);
    }
    x = tf.layers.maxPooling2d({ poolSize: stage === 'early' ? 2 : 1, name: `${stage}_pool` }).apply(x) as tf.SymbolicTensor;
  }
  // Extra 1×1 convolutions until the channel count reaches 64, doubling each time.
  let channels = x.shape[3] as number;
  while (channels < 64) {
    channels *= 2;
    x = tf.layers.conv2d({ filters: channels, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  }
  const heads = Array.from({ length: 3 }, (_, i) => tf.layers.dense({ units: classes + i, name: `head${i}` }));
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const outputs = heads.map((h) => h.apply(pooled) as tf.SymbolicTensor);
  outer: for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      if (i * j > 3) break outer;
    }
  }
  let extra = 0;
  try {
    throw new Error('not needed');
  } catch (e) {
    extra = 1;
  }
  const widths = [4, 4, 8].reduce((sum, w) => sum + w, extra);
  const tail = tf.layers.dense({ units: widths }).apply(outputs[outputs.length - 1]!) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [...outputs.slice(0, 2), tail] });
}
