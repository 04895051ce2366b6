// The contract of the TensorFlow.js layer catalogue: a layer reads its config once (validating
// it as TF.js's constructor does), then maps input shapes to output shapes, parameters, MACs and
// geometry with TF.js's own formulas (channels-last, 'same' = ceil(in/stride), ...).

import { freshGeometry } from '../../geometry';
import { OpError, type AxisGeometry, type LayerGeometry } from '../../ops/types';

/** A tensor as a layer sees it: the shape with the batch dimension, and its spatial geometry. */
export interface TfTensor {
  shape: number[];
  /** Per spatial axis, in order (H, W), whatever the data format; null: no spatial meaning. */
  geometry: readonly AxisGeometry[] | null;
  /** The batch dimension is TF.js's null (analysed as its value in `shape`). */
  batchSymbolic: boolean;
}

export interface LayerResult {
  outputs: TfTensor[];
  /** Trainable + non-trainable weights, as `countParams()` counts them. */
  params: number;
  macs: number;
  /** rf / jump reported for the layer (set also where the output has no spatial axes left,
   *  e.g. a global pool: its window is the whole input). */
  geometry: readonly AxisGeometry[] | null;
  window?: LayerGeometry;
  /** Short argument text, e.g. `1→32, k=3, s=2, same`. */
  args: string;
  /** Things worth a hint (an argument TF.js ignores). */
  notes?: string[];
}

export interface TfLayerSpec<C = unknown> {
  /** TF.js's class name (`getClassName()`), e.g. `Conv2D`. */
  className: string;
  /** Reads and validates the config; throws OpError or ConfigUnknown. */
  configure(config: ConfigReader): C;
  /** Set for a layer ConvLens does not model: why (its output is unknown, with a warning). */
  unmodelled?: string;
  /** Takes an array of tensors (merge layers). */
  multiInput?: boolean;
  /** Outputs per application, when more than one (a recurrent layer returning its states). */
  outputCount?(config: C): number;
  apply(config: C, inputs: TfTensor[]): LayerResult;
}

// ---------------------------------------------------------------------------------------------
// Config values

/** A config value that could not be followed. */
export class UnknownConfig {
  constructor(readonly reason: string) {}
}

/** A layer object in a config (`bidirectional({layer})`, `rnn({cell})`): its spec and validated
 *  config, or why it is unknown. */
export class LayerRef {
  constructor(
    readonly spec: TfLayerSpec,
    readonly config: unknown,
    readonly problem: string | null,
  ) {}
}

export type Plain = number | string | boolean | null | undefined | UnknownConfig | LayerRef | Plain[] | { [key: string]: Plain };

/** A config entry whose value is not known: the layer's output is unknown, for this reason. */
export class ConfigUnknown extends Error {}

export class ConfigReader {
  constructor(
    readonly factory: string,
    private readonly values: Record<string, Plain>,
  ) {}

  has(name: string): boolean {
    return this.get(name) !== undefined && this.get(name) !== null;
  }

  get(name: string): Plain {
    const v = this.values[name];
    if (v instanceof UnknownConfig) throw new ConfigUnknown(`${this.factory}: \`${name}\` is unknown (${v.reason})`);
    if (Array.isArray(v)) this.checkKnown(name, v);
    return v;
  }

  private checkKnown(name: string, v: Plain[]): void {
    for (const x of v) {
      if (x instanceof UnknownConfig) throw new ConfigUnknown(`${this.factory}: \`${name}\` is unknown (${x.reason})`);
      if (Array.isArray(x)) this.checkKnown(name, x);
    }
  }

  private invalid(message: string): never {
    throw new OpError('invalid-argument', `${this.factory}: ${message}`);
  }

  /** A required or defaulted integer; `min` bounds it from below. */
  int(name: string, fallback?: number, min = 1): number {
    const v = this.get(name);
    if (v === undefined || v === null) {
      if (fallback === undefined) this.invalid(`\`${name}\` is required`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) this.invalid(`\`${name}\` must be an integer, got ${show(v)}`);
    if (v < min) this.invalid(`\`${name}\` must be at least ${min}, got ${v}`);
    // Sizes and counts are computed in doubles: past 2^53 they would be rounded without a word.
    if (!Number.isSafeInteger(v)) this.invalid(`\`${name}\` = ${show(v)} is past 2^53, beyond the sizes ConvLens computes exactly`);
    return v;
  }

  /** A number or an array of `n` integers (TF.js's normalizeArray). */
  ints(name: string, n: number, fallback?: number | number[], min = 1): number[] {
    const v = this.get(name);
    if (v === undefined || v === null) {
      if (fallback === undefined) this.invalid(`\`${name}\` is required`);
      return typeof fallback === 'number' ? Array.from({ length: n }, () => fallback) : [...fallback];
    }
    const items = typeof v === 'number' ? Array.from({ length: n }, () => v) : v;
    if (!Array.isArray(items) || items.length !== n) {
      this.invalid(`\`${name}\` must be an integer or an array of ${n} integers, got ${show(v)}`);
    }
    return items.map((x) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) this.invalid(`\`${name}\` must hold integers, got ${show(v)}`);
      if (x < min) this.invalid(`\`${name}\` must be at least ${min}, got ${show(v)}`);
      if (!Number.isSafeInteger(x)) this.invalid(`\`${name}\` = ${show(v)} is past 2^53, beyond the sizes ConvLens computes exactly`);
      return x;
    });
  }

  str<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.get(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.invalid(`\`${name}\` must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`);
    }
    return v as T;
  }

  /** A layer given in the config (a wrapper's `layer`, an RNN's `cell`). */
  layer(name: string): LayerRef {
    const v = this.get(name);
    if (!(v instanceof LayerRef)) this.invalid(`\`${name}\` must be a layer, got ${show(v)}`);
    if (v.problem) throw new ConfigUnknown(`${this.factory}: its \`${name}\` is unknown (${v.problem})`);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.invalid(`\`${name}\` must be true or false, got ${show(v)}`);
    return v;
  }
}

export function show(v: Plain): string {
  if (v instanceof UnknownConfig) return '?';
  if (v instanceof LayerRef) return `a ${v.spec.className} layer`;
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ')}}`;
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Shape helpers shared by the layer families

export type DataFormat = 'channelsLast' | 'channelsFirst';
export const DATA_FORMATS: readonly DataFormat[] = ['channelsLast', 'channelsFirst'];

export function fail(code: 'shape-mismatch' | 'channel-mismatch' | 'invalid-argument', message: string): never {
  throw new OpError(code, message);
}

export function shapeText(shape: readonly number[], batchSymbolic = false): string {
  return `[${shape.map((d, i) => (i === 0 && batchSymbolic ? 'N' : String(d))).join(', ')}]`;
}

/** The input of a single-input layer, checked for rank. */
export function single(className: string, inputs: TfTensor[], rank?: number | ((r: number) => boolean), expected?: string): TfTensor {
  if (inputs.length !== 1) fail('shape-mismatch', `${className} takes one input, got ${inputs.length}`);
  const x = inputs[0]!;
  const ok = rank === undefined ? true : typeof rank === 'number' ? x.shape.length === rank : rank(x.shape.length);
  if (!ok) {
    fail('shape-mismatch', `${className} expects ${expected ?? `a rank-${String(rank)}`} input, got ${shapeText(x.shape, x.batchSymbolic)}`);
  }
  return x;
}

/** Positions of the spatial axes and the channel axis of a rank-`rank` tensor. */
export function layout(rank: number, format: DataFormat): { spatial: number[]; channel: number } {
  const n = rank - 2;
  return format === 'channelsLast'
    ? { spatial: Array.from({ length: n }, (_, i) => 1 + i), channel: rank - 1 }
    : { spatial: Array.from({ length: n }, (_, i) => 2 + i), channel: 1 };
}

/** The geometry of the `n` spatial axes a layer reads (fresh where the tensor has none). */
export function inputGeometry(t: TfTensor, n: number): AxisGeometry[] {
  const g = t.geometry;
  if (!g) return freshGeometry(n);
  if (g.length < n) return [...freshGeometry(n - g.length), ...g];
  return g.slice(g.length - n);
}

/** TF.js convOutputLength: 'same' → ceil(in/s); 'valid' → ceil((in − d(k−1)) / s). */
export function convOutputLength(input: number, kernel: number, padding: 'same' | 'valid', stride: number, dilation = 1): number {
  const span = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' ? input : input - span + 1;
  return Math.floor((length + stride - 1) / stride);
}

/** The padding TF.js puts before (top/left) for 'same': half the total, the odd one goes after. */
export function samePadBefore(input: number, kernel: number, stride: number, dilation = 1): number {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
  return Math.floor(total / 2);
}

export const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** `3` when every axis agrees, else `3×1`. */
export function axesText(v: readonly number[]): string {
  return v.every((x) => x === v[0]) ? String(v[0]) : v.join('×');
}
