// The contract between the interpreter and the operator catalogue. Ops never see Python values:
// the interpreter binds a call to the op's Python signature and hands over plain JS data.

import type { Footprint } from '../footprint';
import type { Rational } from '../rational';

/** Receptive field and jump along one spatial axis (DESIGN.md, "Geometry conventions"). */
export interface AxisGeometry {
  rf: Rational;
  jump: Rational;
  /** The exact offsets an output position reads (gridding); absent where not followed. */
  footprint?: Footprint;
}

/**
 * A tensor as the analysis sees it: a concrete shape, and the geometry of its trailing spatial
 * axes (`geometry[i]` describes dim `shape.length - geometry.length + i`), or null when the
 * tensor has no spatial meaning any more (after flatten/view/linear).
 */
export interface Tensor {
  readonly kind: 'tensor';
  readonly shape: readonly number[];
  readonly geometry: readonly AxisGeometry[] | null;
}

/** Plain data an op receives or returns. Arrays stand for Python tuples/lists. */
export type OpValue = number | boolean | string | null | Tensor | OpValue[] | { [key: string]: OpValue };

export type OpArgs = Record<string, OpValue>;

export type OpErrorCode = 'shape-mismatch' | 'channel-mismatch' | 'invalid-argument' | 'unsupported';

/** A readable error: the message is shown to the user as it is. */
export class OpError extends Error {
  constructor(
    readonly code: OpErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the layer does to geometry, shown per layer. Lengths equal the number of spatial axes. */
export interface LayerGeometry {
  kernel?: number[];
  stride?: number[];
  padding?: number[];
  dilation?: number[];
  /** For transposed convolutions: how many kernel taps land on each output position over one
   *  period, per axis (`[2, 1]` for k=3 s=2). Uneven when not constant. */
  overlap?: number[][];
  /** Scale factor of resizes, per axis (out/in). */
  scale?: number[];
  /** Resizes: how torch interpolates (the preview rebuilds the exact operator from it). */
  resize?: ResizeDetails;
}

/** A resize's interpolation: mode, align_corners as torch applies it (false when not given for
 *  the interpolating modes), and the scale factor torch's kernel maps coordinates with when the
 *  user's `scale_factor` reaches it (null: the coordinates follow the sizes, in/out). */
export interface ResizeDetails {
  mode: string;
  alignCorners: boolean;
  scaleFactor: number[] | null;
}

export interface OpResult {
  /** What the call returns: a Tensor, or a structure (tuple of tensors, torch.Size as number[]). */
  value: OpValue;
  macs: number;
  geometry?: LayerGeometry;
}

/**
 * An nn.Module class the catalogue knows (`Conv2d`, `ReLU`, ...). `signature` is the Python
 * parameter list of its `__init__` without `self`, e.g.
 * `"in_channels, out_channels, kernel_size, stride=1, padding=0, ..."`.
 */
export interface ModuleSpec<Config = unknown> {
  name: string;
  signature: string;
  /** Validates the constructor arguments; throws OpError with a readable message. */
  build(args: OpArgs): Config;
  /** Number of parameters (weights + biases + affine), as `sum(p.numel())` counts them. */
  params(config: Config): number;
  /** The Python signature of `forward` without `self`, e.g. `"input"` or `"input, output_size=None"`. */
  forwardSignature: string;
  forward(config: Config, args: OpArgs): OpResult;
  /** Short argument text for display, e.g. `3→64, k=7, s=2, p=3`. */
  describe(config: Config): string;
}

/**
 * A function or tensor method (`torch.cat`, `F.interpolate`, `Tensor.view`). For methods the
 * tensor is the first parameter (`self`) of `signature`.
 */
export interface FunctionSpec {
  name: string;
  signature: string;
  apply(args: OpArgs): OpResult;
}
