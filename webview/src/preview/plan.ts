// What one preview runs: the layer under the cursor with its exact arguments, the model's
// up-sampling path through it, and the alternatives at the same scale (nearest + conv, bilinear +
// conv, conv + pixel shuffle with ICNR), each a one-channel chain with its input size, interior
// margin and period. Outputs larger than MAX_SIDE are clamped by shrinking the input.

import { interiorOf } from '../analysis/checkerboard';
import type { PreviewLayer, PreviewTarget } from '../protocol/messages';
import { UnsupportedLayer, isConvLayer, layerSizes, stepForLayer, stepsForLayers, upKind } from './fromLayer';
import { chainMargin, chainOutSize, chainPeriod, chainSizes, type Chain, type Pair, type Step } from './steps';

export const MAX_SIDE = 512;

export type VariantId = 'layer' | 'path' | 'nearest-conv' | 'bilinear-conv' | 'shuffle-icnr';

export interface VariantPlan {
  id: VariantId;
  label: string;
  chain: Chain;
  outSize: Pair;
  period: Pair;
  margin: Pair;
}

export interface PreviewPlan {
  title: string;
  focus: PreviewLayer;
  variants: VariantPlan[];
  notices: string[];
}

export interface PlanOptions {
  /** Input height and width: as in the model, or a square of this side. */
  inputSize: 'model' | number;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4))));
const pairText = ([a, b]: Pair) => (a === b ? fmt(a) : `${fmt(a)}×${fmt(b)}`);

/** The chain with another input size; resizes to fixed sizes keep their ratio. */
export function withInputSize(chain: Chain, inSize: Pair): Chain {
  const original = [chain.inSize, ...chainSizes(chain)];
  let size = inSize;
  const steps: Step[] = chain.steps.map((step, i) => {
    let next: Step = step;
    if (step.op === 'resize' && step.sizes) {
      const before = original[i]!;
      next = { ...step, sizes: [0, 1].map((a) => Math.max(1, Math.round((size[a]! * step.sizes![a]!) / before[a]!))) as Pair };
    }
    size = chainOutSize({ steps: [next], inChannels: 1, inSize: size });
    return next;
  });
  return { ...chain, steps, inSize };
}

/** Shrinks the input until the output fits MAX_SIDE on both axes (null: already fits). */
export function clampChain(chain: Chain, maxSide = MAX_SIDE): Chain | null {
  const out = chainOutSize(chain);
  if (out[0] <= maxSide && out[1] <= maxSide) return null;
  const inSize: Pair = [...chain.inSize];
  // Each step's output size grows with its input size, axis by axis: a binary search finds the
  // largest input that fits, in a few dozen evaluations whatever the size (an input of 10^9 rows
  // took over an hour one pixel at a time).
  for (const a of [0, 1] as const) {
    const fits = (n: number): boolean => {
      const trial: Pair = [...inSize];
      trial[a] = n;
      return chainOutSize(withInputSize(chain, trial))[a] <= maxSide;
    };
    if (fits(inSize[a])) continue;
    let lo = 1;
    let hi = inSize[a];
    // Invariant: hi does not fit; lo fits, or lo is 1 (the smallest input there is).
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    inSize[a] = lo;
  }
  return withInputSize(chain, inSize);
}

function scaleOf(layer: PreviewLayer): Pair {
  const step = stepForLayer(layer);
  const { inSize, outSize } = layerSizes(layer);
  if (step.op === 'convTranspose') return step.stride;
  if (step.op === 'depthToSpace') return [step.factor, step.factor];
  if (step.op === 'resize') return step.scales ?? [outSize[0] / inSize[0], outSize[1] / inSize[1]];
  return [1, 1];
}

function layerLabel(layer: PreviewLayer): string {
  return `${layer.op} ${layer.path}${layer.args ? ` (${layer.args})` : ''}`;
}

/** Chains at the same scale as `focus` that do not overlap unevenly. */
function alternatives(focus: PreviewLayer, inSize: Pair): { id: VariantId; label: string; chain: Chain }[] {
  const scale = scaleOf(focus);
  if (scale[0] <= 1 && scale[1] <= 1) return [];
  const { inChannels: realIn } = layerSizes(focus);
  const convFanIn = (upKind(focus) === 'pixelShuffle' ? layerSizes(focus).outChannels : realIn) * 9;
  const conv = (outChannels: number, icnr: number | null): Step => ({
    op: 'conv',
    inChannels: 1,
    outChannels,
    kernel: [3, 3],
    pads: [1, 1, 1, 1],
    dilation: [1, 1],
    bias: true,
    init: icnr ? { kind: 'icnr', fanIn: convFanIn, factor: icnr } : { kind: 'default', fanIn: convFanIn },
  });
  const variants: { id: VariantId; label: string; chain: Chain }[] = [
    {
      id: 'nearest-conv',
      label: `Nearest ×${pairText(scale)} + conv 3×3`,
      chain: { inChannels: 1, inSize, steps: [{ op: 'resize', mode: 'nearest', alignCorners: false, scales: scale, sizes: null }, conv(1, null)] },
    },
    {
      id: 'bilinear-conv',
      label: `Bilinear ×${pairText(scale)} + conv 3×3`,
      chain: { inChannels: 1, inSize, steps: [{ op: 'resize', mode: 'bilinear', alignCorners: false, scales: scale, sizes: null }, conv(1, null)] },
    },
  ];
  if (Number.isInteger(scale[0]) && scale[0] === scale[1]) {
    const f = scale[0];
    variants.push({
      id: 'shuffle-icnr',
      label: `Conv 3×3 → PixelShuffle(${f}), ICNR init`,
      chain: { inChannels: 1, inSize, steps: [conv(f * f, f), { op: 'depthToSpace', factor: f }] },
    });
  }
  return variants;
}

function finish(id: VariantId, label: string, chain: Chain, notices: string[]): VariantPlan | null {
  const sizes = chainSizes(chain);
  if (sizes.some((s) => s[0] < 1 || s[1] < 1)) {
    notices.push(`${label}: the output would be empty at this input size.`);
    return null;
  }
  let fitted = chain;
  const clamped = clampChain(chain);
  if (clamped) {
    const before = chainOutSize(chain);
    fitted = clamped;
    notices.push(
      `${label}: clamped to at most ${MAX_SIDE}×${MAX_SIDE} — input ${chain.inSize.join('×')} → ${clamped.inSize.join('×')}` +
        ` (the full output would be ${before[0]}×${before[1]}).`,
    );
  }
  if (!clamped && !scorable(fitted)) {
    // A model's own input is often tiny (a decoder starts at 4×4): then no interior is clear of
    // the border and nothing can be scored. Grow the input by whole factors until one is.
    for (let k = 2; k <= 64; k++) {
      const grown = withInputSize(chain, [chain.inSize[0] * k, chain.inSize[1] * k]);
      const out = chainOutSize(grown);
      if (out[0] > MAX_SIDE || out[1] > MAX_SIDE) break;
      if (scorable(grown)) {
        notices.push(`${label}: input enlarged from ${chain.inSize.join('×')} to ${grown.inSize.join('×')} so that its interior holds two whole periods.`);
        fitted = grown;
        break;
      }
    }
  }
  return { id, label, chain: fitted, outSize: chainOutSize(fitted), period: chainPeriod(fitted), margin: chainMargin(fitted) };
}

/** Two whole periods per axis clear of the border: enough to score and to see the pattern. */
function scorable(chain: Chain): boolean {
  const period = chainPeriod(chain);
  const interior = interiorOf(chainOutSize(chain), period, chainMargin(chain));
  return !!interior && interior.h >= 2 * period[0] && interior.w >= 2 * period[1];
}

/**
 * The preview of `target`. The focus is the layer itself when it up-samples, otherwise the first
 * up-sampling layer of its path (the cursor may sit on the convolution after a resize).
 */
export function planPreview(target: PreviewTarget, options: PlanOptions): PreviewPlan {
  const notices: string[] = [];
  let focus = target.layer;
  if (!upKind(focus)) {
    const up = target.path.find((l) => upKind(l));
    if (!up) throw new UnsupportedLayer(`${target.layer.op} ${target.layer.path} is not an up-sampling layer (ConvTranspose2d, Upsample / F.interpolate, PixelShuffle).`);
    if (!isConvLayer(focus)) notices.push(`${target.layer.path} does not up-sample; showing ${up.path} of its path.`);
    focus = up;
  }
  const custom = options.inputSize === 'model' ? null : ([options.inputSize, options.inputSize] as Pair);
  const variants: VariantPlan[] = [];
  const focusStep = stepForLayer(focus);
  const focusChain: Chain = {
    steps: [focusStep],
    inChannels: focusStep.op === 'depthToSpace' ? focusStep.factor ** 2 : 1,
    inSize: layerSizes(focus).inSize,
  };
  const layerChain = custom ? withInputSize(focusChain, custom) : focusChain;
  const layerVariant = finish('layer', layerLabel(focus), layerChain, notices);
  if (layerVariant) variants.push(layerVariant);
  if (target.path.length > 1) {
    try {
      const { steps, inChannels } = stepsForLayers(target.path);
      const pathChain: Chain = { steps, inChannels, inSize: layerSizes(target.path[0]!).inSize };
      const label = `Up-sampling path (${target.path.length} layers: ${target.path[0]!.path} → ${target.path.at(-1)!.path})`;
      const v = finish('path', label, custom ? withInputSize(pathChain, custom) : pathChain, notices);
      if (v) variants.push(v);
    } catch (error) {
      if (!(error instanceof UnsupportedLayer)) throw error;
      notices.push(`Path not shown: ${error.message}`);
    }
  }
  for (const alt of alternatives(focus, layerChain.inSize)) {
    const v = finish(alt.id, alt.label, alt.chain, notices);
    if (v) variants.push(v);
  }
  return { title: layerLabel(focus), focus, variants, notices };
}
