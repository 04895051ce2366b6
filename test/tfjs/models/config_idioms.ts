// Model code driven by option objects and strings, as configurable projects write it: defaults,
// Object.assign and spreads, switch on strings, String and Array methods, optional chaining.
import * as tf from '@tensorflow/tfjs';

interface NetOptions {
  backbone?: string;
  widths?: number[];
  head?: { units: number; activation?: string } | null;
  norm?: 'batch' | 'layer' | 'none';
}

const DEFAULTS: Required<Omit<NetOptions, 'head'>> = { backbone: 'conv-small', widths: [16, 32, 64], norm: 'batch' };

function normLayer(kind: string): tf.layers.Layer | null {
  switch (kind.toLowerCase()) {
    case 'batch':
      return tf.layers.batchNormalization();
    case 'layer':
      return tf.layers.layerNormalization();
    default:
      return null;
  }
}

function parseBackbone(name: string): { depth: number; kernel: number } {
  const [family, size = 'small'] = name.split('-');
  const kernel = family!.startsWith('conv') ? 3 : 5;
  const depth = size.includes('large') ? 3 : size.endsWith('small') ? 2 : 1;
  return { depth, kernel };
}

export function configurable(options: NetOptions = {}): tf.Sequential {
  const opts = Object.assign({}, DEFAULTS, options);
  const { depth, kernel } = parseBackbone(opts.backbone.trim());
  const model = tf.sequential({ name: `net_${opts.backbone.replace('-', '_')}` });
  const widths = opts.widths.slice(0, depth).concat(opts.widths.length > depth ? [opts.widths.at(-1)!] : []);
  widths.forEach((filters, i) => {
    const base = { filters, kernelSize: kernel, padding: 'same' as const };
    model.add(tf.layers.conv2d(i === 0 ? { ...base, inputShape: [40, 40, 3] } : base));
    const norm = normLayer(opts.norm);
    if (norm) model.add(norm);
    model.add(tf.layers.activation({ activation: `${'re'}lu` as 'relu' }));
    if (i < widths.length - 1) model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tf.layers.globalAveragePooling2d({}));
  const units = opts.head?.units ?? 10;
  model.add(tf.layers.dense({ units, activation: (opts.head?.activation ?? 'softmax') as 'softmax' }));
  return model;
}

export function large(): tf.Sequential {
  return configurable({ backbone: 'conv-large', widths: [8, 16, 24, 32], norm: 'layer', head: { units: 3, activation: 'sigmoid' } });
}

export function wideKernels(): tf.Sequential {
  const widths = Array.from({ length: 4 }, (_, i) => 2 ** (i + 3)).filter((w) => w !== 16);
  return configurable({ backbone: 'dilated', widths: widths.sort((a, b) => b - a), norm: 'none' });
}
