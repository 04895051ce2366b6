// Upsample / UpsamplingNearest2d / UpsamplingBilinear2d and F.interpolate / F.upsample*
// (torch 1.13 F.interpolate): size or scale_factor (output floor(in·scale)), the modes and their
// input ranks, align_corners validity, recompute_scale_factor, and 'area' as adaptive pooling.

import {
  growAxis,
  rationalFromNumber,
  resizeAxis,
  resizeCoordinateScale,
  spatialGeometry,
  type ResizeAxisOptions,
  type ResizeMode,
} from '../geometry';
import type { Rational } from '../rational';
import { ArgReader, compactTuple, describeValue, formatShape, invalid, makeTensor } from './layerArgs';
import {
  OpError,
  type AxisGeometry,
  type FunctionSpec,
  type ModuleSpec,
  type OpArgs,
  type OpResult,
  type OpValue,
  type Tensor,
} from './types';

export const RESIZE_MODES: readonly ResizeMode[] = ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact'];

/** Input rank each interpolating mode needs (nearest, nearest-exact and area take 3-5D). */
const MODE_RANK: Partial<Record<ResizeMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

export interface ResizeConfig {
  size: number | (number | null)[] | null;
  scaleFactor: number | number[] | null;
  mode: ResizeMode;
  alignCorners: boolean | null;
  recomputeScaleFactor: boolean | null;
  antialias: boolean;
}

function readSize(opName: string, v: OpValue | undefined): ResizeConfig['size'] {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return v as number[];
  throw invalid(`${opName}: size must be an integer or a tuple of integers, got ${describeValue(v)}`);
}

function readScale(opName: string, v: OpValue | undefined): ResizeConfig['scaleFactor'] {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw invalid(`${opName}: scale_factor must be a number or a tuple of numbers, got ${describeValue(v)}`);
}

function readOptionalBool(r: ArgReader, name: string): boolean | null {
  const v = r.raw(name);
  // Stryker disable next-line BooleanLiteral: v is given here (neither undefined nor None), so the fallback is never read
  return v === undefined || v === null ? null : r.bool(name, false);
}

export function readResizeConfig(opName: string, args: OpArgs, overrides: Partial<ResizeConfig> = {}): ResizeConfig {
  const r = new ArgReader(opName, args);
  const mode = overrides.mode ?? r.string('mode', 'nearest');
  if (!(RESIZE_MODES as readonly string[]).includes(mode)) {
    throw invalid(`${opName}: unsupported mode '${mode}'; the modes are ${RESIZE_MODES.join(' | ')}`);
  }
  return {
    size: readSize(opName, r.raw('size')),
    scaleFactor: readScale(opName, r.raw('scale_factor')),
    mode: mode as ResizeMode,
    alignCorners: overrides.alignCorners !== undefined ? overrides.alignCorners : readOptionalBool(r, 'align_corners'),
    recomputeScaleFactor: readOptionalBool(r, 'recompute_scale_factor'),
    antialias: r.bool('antialias', false),
  };
}

/**
 * The span of an antialiased (bi)linear/bicubic resize, as torch 1.13 computes its taps in float32
 * (UpSampleKernel.cpp, _compute_weights_aa): support (interp_size/2)·scale when downscaling, taps
 * trunc(centre ± support + 0.5) around each output centre scale·(i + 0.5), each weighted by the
 * filter at (j − centre + 0.5)/scale. The triangle and the cubic are 0 at the ends of the support
 * (and the cubic at ±1), so the span runs from the first to the last tap of nonzero weight; float32
 * rounding decides the taps that sit exactly on an end. The widest over the output positions whose
 * taps stay inside the input (the interior, where no border clamps them), all when there is none.
 */
function antialiasSpan(interpSize: number, coordScale: Rational, inSize: number, outSize: number): number {
  const f = Math.fround;
  const scale = f(coordScale.num / coordScale.den);
  const support = f(scale >= 1 ? interpSize * 0.5 * scale : interpSize * 0.5);
  const invscale = scale >= 1 ? f(1 / scale) : 1;
  // Only where torch's filters vanish matters (x ≥ 0 here). The triangle 1 − x (x < 1) is 0 from
  // x = 1 on. The cubic (a = −0.5) is (x − 1)(3x² − 2x − 2)/2 below 1 and −(x − 1)(x − 2)²/2 below 2:
  // 0 at x = 1 and from 2 on, and nowhere else (3x² − 2x − 2 < 0 on [0, 1)). Evaluated in double and
  // stored as float32 a value near a root stays nonzero (at worst ~1e-14, far above float32's
  // smallest subnormal), so the zero set is exact.
  const weighted = interpSize === 2 ? (x: number) => x < 1 : (x: number) => x < 2 && x !== 1;
  let interior = 0;
  let any = 0;
  for (let i = 0; i < Math.min(outSize, 4096); i++) {
    const centre = f(scale * (i + 0.5));
    const xmin = Math.trunc(f(centre - support) + 0.5);
    const xmax = Math.trunc(f(centre + support) + 0.5);
    let first: number | null = null;
    let last = 0;
    for (let j = xmin; j < xmax; j++) {
      if (weighted(Math.abs(f((f(f(j) - centre) + 0.5) * invscale)))) {
        first ??= j;
        last = j;
      }
    }
    const span = first === null ? 0 : last - first + 1;
    any = Math.max(any, span);
    if (xmin >= 0 && xmax <= inSize) interior = Math.max(interior, span);
  }
  return interior || any;
}

/** F.interpolate's shape function; shared by the modules and the functional forms. */
export function resizeForward(opName: string, c: ResizeConfig, input: Tensor): OpResult {
  const alignCorners = c.alignCorners;
  if (c.mode === 'nearest' || c.mode === 'area' || c.mode === 'nearest-exact') {
    if (alignCorners !== null) {
      throw invalid(`${opName}: align_corners can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear (mode is '${c.mode}')`);
    }
  }
  const rank = input.shape.length;
  const needed = MODE_RANK[c.mode];
  if (rank < 3 || rank > 5 || (needed !== undefined && rank !== needed)) {
    throw new OpError(
      'shape-mismatch',
      needed !== undefined
        ? `${opName}: got ${rank}D input, but ${c.mode} mode needs ${needed}D input (input shape ${formatShape(input.shape)})`
        : `${opName}: only 3D, 4D and 5D inputs (N, C, spatial...) are supported, but got a ${rank}D input of shape ${formatShape(input.shape)}`,
    );
  }
  const dim = rank - 2;
  const spatial = input.shape.slice(2);
  if (c.size !== null && c.scaleFactor !== null) throw invalid(`${opName}: only one of size or scale_factor should be defined`);
  if (c.size === null && c.scaleFactor === null) throw invalid(`${opName}: either size or scale_factor should be defined`);
  if (c.recomputeScaleFactor && c.size !== null) {
    throw invalid(`${opName}: recompute_scale_factor is not meaningful with an explicit size`);
  }
  if (c.antialias && !((c.mode === 'bilinear' || c.mode === 'bicubic') && rank === 4)) {
    throw invalid(`${opName}: the anti-alias option is only supported for bilinear and bicubic modes on 4D inputs`);
  }
  let outSpatial: number[];
  // The scale torch's kernel maps coordinates with, when the user's factor reaches it.
  let kernelScales: number[] | null = null;
  if (c.size !== null) {
    if (Array.isArray(c.size)) {
      if (c.size.length !== dim) {
        throw invalid(
          `${opName}: input and output must have the same number of spatial dimensions, but got input with spatial dimensions of ` +
            `${formatShape(spatial)} and output size of ${describeValue(c.size)}`,
        );
      }
      outSpatial = c.size as number[];
    } else {
      outSpatial = spatial.map(() => c.size as number);
    }
  } else {
    const factors = Array.isArray(c.scaleFactor) ? c.scaleFactor : spatial.map(() => c.scaleFactor as number);
    if (factors.length !== dim) {
      throw invalid(
        `${opName}: input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of ` +
          `${formatShape(spatial)} and scale_factor of shape ${describeValue(c.scaleFactor)}`,
      );
    }
    if (factors.some((f) => !Number.isFinite(f))) throw invalid(`${opName}: scale_factor must be finite, got ${describeValue(c.scaleFactor)}`);
    // Both the C++ kernel and the recompute path compute floor(in · scale) in double precision.
    outSpatial = spatial.map((s, i) => Math.floor(s * factors[i]!));
    if (!(c.recomputeScaleFactor || c.mode === 'area')) kernelScales = factors;
  }
  if (outSpatial.some((s) => s > 2 ** 31)) {
    throw invalid(`${opName}: the output size (${outSpatial.join(' × ')}) is too large`);
  }
  if (outSpatial.some((s) => s <= 0) || spatial.some((s) => s <= 0)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: input and output sizes should be greater than 0, but got input (${spatial.join(' × ')}) and output (${outSpatial.join(' × ')})`,
    );
  }
  const inGeometry = spatialGeometry(input, dim);
  const geometry: AxisGeometry[] = inGeometry.map((g, i) => {
    const options: ResizeAxisOptions = {
      mode: c.mode,
      inSize: spatial[i]!,
      outSize: outSpatial[i]!,
      alignCorners: alignCorners ?? false,
      // (A factor ≤ 0 gives an output size ≤ 0, refused above.)
      ...(kernelScales ? { scaleFactor: rationalFromNumber(kernelScales[i]!) } : {}),
    };
    const resized = resizeAxis(g, options);
    if (!c.antialias) return resized;
    const interpSize = c.mode === 'bicubic' ? 4 : 2;
    return growAxis(g, antialiasSpan(interpSize, resizeCoordinateScale(options), spatial[i]!, outSpatial[i]!), resized.jump);
  });
  return {
    value: makeTensor([...input.shape.slice(0, 2), ...outSpatial], geometry),
    macs: 0,
    geometry: {
      scale: outSpatial.map((o, i) => o / spatial[i]!),
      resize: { mode: c.mode, alignCorners: alignCorners ?? false, scaleFactor: kernelScales ? [...kernelScales] : null },
    },
  };
}

/** For the modules, whose signatures have no antialias (readSize refuses a None in size). */
function describeResize(c: ResizeConfig): string {
  const parts: string[] = [];
  if (c.scaleFactor !== null) parts.push(`×${Array.isArray(c.scaleFactor) ? compactTuple(c.scaleFactor) : c.scaleFactor}`);
  if (c.size !== null) parts.push(`size=${Array.isArray(c.size) ? compactTuple(c.size as number[]) : c.size}`);
  parts.push(c.mode);
  if (c.alignCorners) parts.push('align_corners');
  return parts.join(', ');
}

function resizeModule(name: string, signature: string, overrides: Partial<ResizeConfig>): ModuleSpec<ResizeConfig> {
  return {
    name,
    signature,
    build: (args) => {
      const c = readResizeConfig(name, args, overrides);
      // nn.Upsample keeps `float(scale_factor) if scale_factor else None`: a factor of 0 is no factor.
      if (c.scaleFactor === 0) c.scaleFactor = null;
      return c;
    },
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => resizeForward(name, c, new ArgReader(name, args).tensor('input')),
    describe: describeResize,
  };
}

export const resizeModules: readonly ModuleSpec<ResizeConfig>[] = [
  resizeModule('Upsample', "size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None", {}),
  resizeModule('UpsamplingNearest2d', 'size=None, scale_factor=None', { mode: 'nearest' }),
  resizeModule('UpsamplingBilinear2d', 'size=None, scale_factor=None', { mode: 'bilinear', alignCorners: true }),
];

function resizeFunction(name: string, signature: string, overrides: Partial<ResizeConfig> = {}): FunctionSpec {
  return {
    name,
    signature,
    apply: (args) => resizeForward(name, readResizeConfig(name, args, overrides), new ArgReader(name, args).tensor('input')),
  };
}

export const resizeFunctions: readonly FunctionSpec[] = [
  resizeFunction(
    'F.interpolate',
    "input, size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None, antialias=False",
  ),
  resizeFunction('F.upsample', "input, size=None, scale_factor=None, mode='nearest', align_corners=None"),
  resizeFunction('F.upsample_nearest', 'input, size=None, scale_factor=None', { mode: 'nearest' }),
  resizeFunction('F.upsample_bilinear', 'input, size=None, scale_factor=None', { mode: 'bilinear', alignCorners: true }),
];
