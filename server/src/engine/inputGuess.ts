// A guessed input when the file says nothing: each input of forward gets its channels from the
// first layer forward applies to it (not the first layer defined), found by running forward with
// a recorder and following each input through the layers that keep its channels.

import { probeForward, type Probe } from './inputSizes';
import { Recorder } from './python/recorder';
import type { Interpreter } from './python/interpreter';
import type { TorchEnvironment } from './python/torchLib';
import type { InstanceValue, Value } from './python/values';
import type { Tensor } from './ops/types';

export interface InputNeed {
  /** The shape the layer wants (spatial sizes set to `size`). */
  shape: number[];
  /** The layer's module (for its path in the reason). */
  layer: InstanceValue;
}

/** The shape a channel-consuming layer asks of its input, or null for other layers. */
export function layerNeed(m: InstanceValue, size: number): number[] | null {
  const spec = m.cls.mro.find((c) => c.moduleSpec)?.moduleSpec;
  if (!spec) return null;
  const attr = (k: string): number | null => {
    const v: Value | undefined = m.attrs.get(k);
    return v && v.kind === 'int' ? v.value : null;
  };
  const spatial = (n: number) => Array.from({ length: n }, () => size);
  const conv = /^(?:Conv|ConvTranspose)(\d)d$/.exec(spec.name);
  if (conv) {
    const c = attr('in_channels');
    return c === null ? null : [1, c, ...spatial(Number(conv[1]))];
  }
  if (spec.name === 'Linear') {
    const f = attr('in_features');
    return f === null ? null : [1, f];
  }
  const norm = /^(?:BatchNorm|InstanceNorm)(\d)d$/.exec(spec.name);
  if (norm) {
    const c = attr('num_features');
    return c === null ? null : [1, c, ...spatial(Number(norm[1]))];
  }
  return null;
}

/**
 * For each input, the first channel-consuming layer reached from it through layers that keep its
 * rank and channels (activations, padding, normalisation, element-wise arithmetic), in the order
 * forward ran them. An input that reaches none (or only through a concatenation) gets null.
 */
export function firstLayersApplied(recorder: Recorder, inputs: Tensor[], size: number): (InputNeed | null)[] {
  const from = new Map<Tensor, number>();
  inputs.forEach((t, i) => from.set(t, i));
  const found: (InputNeed | null)[] = inputs.map(() => null);
  for (const row of recorder.layers) {
    const sources = new Set<number>();
    for (const t of row.inputs) {
      const i = from.get(t);
      if (i !== undefined) sources.add(i);
    }
    if (sources.size !== 1) continue;
    const i = [...sources][0]!;
    if (found[i]) continue;
    const need = row.module ? layerNeed(row.module, size) : null;
    if (need) {
      found[i] = { shape: need, layer: row.module! };
      continue;
    }
    const input = row.inputs.find((t) => from.get(t) === i)!;
    for (const out of row.outputs) {
      if (out.shape.length === input.shape.length && out.shape[1] === input.shape[1]) from.set(out, i);
    }
  }
  return found;
}

/**
 * Shapes for forward's inputs, starting from `initial` and corrected from what each input meets
 * first, until they agree (a few runs at most). The needs found on the last run are returned.
 */
export function guessInputs(interp: Interpreter, torch: TorchEnvironment, instance: InstanceValue, initial: number[][], size: number,
  limits: { steps: number; ms: number }): { shapes: number[][]; needs: (InputNeed | null)[]; probe: Probe | null } {
  let shapes = initial;
  let needs: (InputNeed | null)[] = initial.map(() => null);
  for (let attempt = 0; attempt <= initial.length; attempt++) {
    const recorder = new Recorder();
    const probe = probeForward(interp, torch, instance, shapes, limits, recorder, (tensors) => {
      needs = firstLayersApplied(recorder, tensors, size);
    });
    const next = shapes.map((s, i) => needs[i]?.shape ?? s);
    // Agreed: the last run was at the shapes returned, and its outcome is theirs.
    if (next.every((s, i) => s.length === shapes[i]!.length && s.every((d, k) => d === shapes[i]![k]))) return { shapes, needs, probe };
    shapes = next;
  }
  return { shapes, needs, probe: null };
}
