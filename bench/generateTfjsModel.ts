// A large, realistic TensorFlow.js model file for the benchmark: families of block helpers in the
// common styles (conv-bn-relu, residual with add, depthwise-separable, concatenated branches,
// pool-conv-upsample), stage functions that stack them in loops from config tables, and one
// factory, buildBigNet(), that uses a share of the stages. Deterministic: the same options give
// the same text.

import { type Random, pick, prng, randomInt } from '../test/support/prng';

export interface GeneratedTfjsModel {
  text: string;
  lines: number;
  /** The factory ConvLens finds and reports. */
  model: string;
  families: number;
  stagesDefined: number;
  stagesUsed: number;
}

export interface GenerateTfjsOptions {
  targetLines?: number;
  seed?: number;
  /** How many stages buildBigNet applies. */
  stagesUsed?: number;
}

const WIDTHS = [16, 24, 32, 48, 64, 96, 128];

function family(i: number, random: Random): string {
  const k = pick(random, [3, 5]);
  const act = pick(random, ['relu', 'elu', 'linear']);
  const expand = pick(random, [2, 3, 4]);
  return `
// ---- family ${i} -------------------------------------------------------------------------

function convBnAct${i}(x: T, filters: number, kernel = ${k}, strides = 1): T {
  const conv = tf.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false, name: nextName('conv${i}') });
  const bn = tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3 });
  const y = bn.apply(conv.apply(x)) as T;
  return tf.layers.activation({ activation: '${act}' }).apply(y) as T;
}

function residual${i}(x: T, filters: number, stride: number): T {
  const channels = x.shape[3] as number;
  let y = convBnAct${i}(x, filters, 3, stride);
  y = convBnAct${i}(y, filters);
  let shortcut = x;
  if (stride !== 1 || channels !== filters) {
    shortcut = tf.layers.conv2d({ filters, kernelSize: 1, strides: stride, useBias: false }).apply(x) as T;
  }
  return tf.layers.add().apply([y, shortcut]) as T;
}

function separable${i}(x: T, filters: number, stride: number): T {
  const channels = x.shape[3] as number;
  let y = tf.layers.conv2d({ filters: channels * ${expand}, kernelSize: 1, useBias: false }).apply(x) as T;
  y = tf.layers.depthwiseConv2d({ kernelSize: ${k}, strides: stride, padding: 'same', useBias: false }).apply(y) as T;
  y = tf.layers.batchNormalization().apply(y) as T;
  y = tf.layers.reLU({ maxValue: 6 }).apply(y) as T;
  y = tf.layers.separableConv2d({ filters, kernelSize: 3, padding: 'same' }).apply(y) as T;
  return stride === 1 && channels === filters ? (tf.layers.add().apply([x, y]) as T) : y;
}

function branches${i}(x: T, filters: number, stride: number): T {
  const quarter = Math.max(4, Math.floor(filters / 4));
  const parts = [1, 3, 5].map((kernel) => convBnAct${i}(x, quarter, kernel, stride));
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: stride, padding: 'same' }).apply(x) as T;
  parts.push(convBnAct${i}(pooled, filters - 3 * quarter, 1));
  return tf.layers.concatenate().apply(parts) as T;
}

function downUp${i}(x: T, filters: number, stride: number): T {
  const y = convBnAct${i}(x, filters, 3, stride);
  const h = y.shape[1] as number;
  if (h < 4 || h % 2 !== 0) return y;
  let z = tf.layers.averagePooling2d({ poolSize: 2 }).apply(y) as T;
  z = convBnAct${i}(z, filters);
  z = tf.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(z) as T;
  return tf.layers.add().apply([y, z]) as T;
}

const BLOCKS${i}: Block[] = [residual${i}, separable${i}, branches${i}, downUp${i}];
`;
}

function stage(j: number, families: number, random: Random): string {
  const f = randomInt(random, families);
  const depth = 1 + randomInt(random, 4);
  const kind = randomInt(random, 4);
  return `
export function stage${j}(x: T, width: number, downsample: boolean): T {
  const plan = { depth: ${depth}, block: BLOCKS${f}[${kind}]! };
  for (let b = 0; b < plan.depth; b++) {
    x = plan.block(x, width, downsample && b === 0 ? 2 : 1);
  }
  return x;
}
`;
}

export function generateTfjsModel(options: GenerateTfjsOptions = {}): GeneratedTfjsModel {
  const random = prng(options.seed ?? 7);
  const target = options.targetLines ?? 5000;
  const used = options.stagesUsed ?? 14;
  const header = `// Generated for the ConvLens benchmark: a big TensorFlow.js model file.
import * as tf from '@tensorflow/tfjs';

type T = tf.SymbolicTensor;
type Block = (x: T, filters: number, stride: number) => T;

const counters: Record<string, number> = {};
function nextName(prefix: string): string {
  counters[prefix] = (counters[prefix] ?? 0) + 1;
  return \`\${prefix}_\${counters[prefix]}\`;
}
`;
  const parts: string[] = [header];
  let lines = header.split('\n').length;
  let families = 0;
  // Families and stages alternate until the file is long enough, the root factory included.
  const stages: string[] = [];
  while (lines + used + 10 < target) {
    const text = family(families, random);
    parts.push(text);
    lines += text.split('\n').length - 1;
    families++;
    for (let s = 0; s < 3; s++) {
      const st = stage(stages.length, families, random);
      stages.push(st);
      lines += st.split('\n').length - 1;
    }
  }
  parts.push(...stages);
  const stageCalls: string[] = [];
  let downsamples = 0;
  for (let u = 0; u < used; u++) {
    const j = randomInt(random, stages.length);
    // Five halvings take 224 to 7; the others keep the size.
    const down = downsamples < 5 && u % 3 === 0;
    if (down) downsamples++;
    stageCalls.push(`  x = stage${j}(x, ${pick(random, WIDTHS)}, ${down});`);
  }
  parts.push(`
export function buildBigNet(): tf.LayersModel {
  const input = tf.input({ shape: [224, 224, 3], name: 'image' });
  let x = tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same' }).apply(input) as T;
${stageCalls.join('\n')}
  x = tf.layers.globalAveragePooling2d({}).apply(x) as T;
  x = tf.layers.dropout({ rate: 0.2 }).apply(x) as T;
  const logits = tf.layers.dense({ units: 1000 }).apply(x) as T;
  return tf.model({ inputs: input, outputs: logits, name: 'bignet' });
}
`);
  const text = parts.join('');
  return { text, lines: text.split('\n').length, model: 'buildBigNet()', families, stagesDefined: stages.length, stagesUsed: used };
}
