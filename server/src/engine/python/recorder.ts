// What happens during one model's forward pass: every module call and functional call with its
// shapes, and the shapes of tensor assignments. The analysis turns this into a ModelReport.

import type { LayerGeometry, Tensor } from '../ops/types';
import type { InstanceValue, Site, Value } from './values';

export interface LayerRecord {
  /** The module called, or null for a functional call. */
  module: InstanceValue | null;
  /** The class name of the module (as torch's hooks report it), or the function. */
  op: string;
  /** The operator family of the op catalogue (`ConvTranspose2d` for a subclass of it). */
  family: string;
  kind: 'module' | 'function';
  args: string;
  inputs: Tensor[];
  outputs: Tensor[];
  macs: number;
  geometry: LayerGeometry | undefined;
  /** For functional calls: the module whose forward made the call. */
  owner: InstanceValue | null;
  /** Call sites, innermost first. */
  called: Site[];
  /** Why the output is not known, when it is not. */
  unknown?: string;
}

export interface ValueRecord {
  site: Site;
  name: string;
  shapes: number[][];
}

export class Recorder {
  readonly layers: LayerRecord[] = [];
  /** Keyed by site: sites are one object per AST node. */
  readonly values = new Map<Site, ValueRecord>();
  /** Modules whose forward is running, outermost first. */
  readonly moduleStack: InstanceValue[] = [];

  noteValue(site: Site, name: string, value: Value): void {
    const first = value.kind === 'tensor' ? value : tensorsIn(value)[0];
    if (!first) return;
    let rec = this.values.get(site);
    if (!rec) {
      rec = { site, name, shapes: [] };
      this.values.set(site, rec);
    }
    if (rec.shapes.length < 64) rec.shapes.push([...first.shape]);
  }
}

/** Tensors inside a value, in order (tuples, lists, dict values). */
export function tensorsIn(v: Value, out?: Tensor[], depth = 0): Tensor[] {
  if (out === undefined) {
    // One tensor (nearly every layer's output): an array of exactly one, not one grown by push.
    if (v.kind === 'tensor') return [v];
    out = [];
  }
  if (depth > 4) return out;
  if (v.kind === 'tensor') out.push(v);
  else if (v.kind === 'tuple' || v.kind === 'list') for (const x of v.items) tensorsIn(x, out, depth + 1);
  else if (v.kind === 'dict') for (const e of v.entries.values()) tensorsIn(e.value, out, depth + 1);
  return out;
}

