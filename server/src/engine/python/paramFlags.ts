// What a parameter carries besides its shape: whether it trains (`requires_grad`) and whether its
// dtype is still float32. Code freezes parameters after they are made (`p.requires_grad = False`
// in a loop over `backbone.parameters()`, `module.requires_grad_(False)`), so the flags live on the
// parameter object, which every module holding it shares, as torch's Parameter is shared.

import type { Tensor } from '../ops/types';
import { bool, unknown, type Site, type TensorValue, type Value } from './values';

/** A parameter's flags. `frozen`: true when `requires_grad` is False, a reason when the analysis
 *  could not tell (set from an unknown value); absent: trainable. `dtypeUnknown`: why its element
 *  size is not known to be float32's 4 bytes (`.half()`, `.to(dtype)` on a module holding it). */
export type ParameterFlags = { frozen?: true | string; dtypeUnknown?: string };
export type FlaggedTensor = TensorValue & ParameterFlags;

function lineText(site: Site | null): string {
  if (!site) return '';
  const line = site.file.lines.position(site.from).line + 1;
  return ` (line ${line})`;
}

/** `p.requires_grad = v`, `p.requires_grad_(v)`. Only parameters are tracked: other tensors'
 *  flags change no count. */
export function setRequiresGrad(t: TensorValue, value: Value, site: Site | null, truthy: (v: Value) => boolean): void {
  if (!t.parameter) return;
  const p = t as FlaggedTensor;
  if (value.kind === 'unknown') p.frozen = `requires_grad set from an unknown value${lineText(site)}: ${value.reason}`;
  else if (truthy(value)) delete p.frozen;
  else p.frozen = true;
}

/** `nn.Parameter(data, requires_grad=v)`: the new parameter's flag (torch's default is True,
 *  whatever the data's flag was). */
export function initialRequiresGrad(p: FlaggedTensor, value: Value | undefined, site: Site | null, truthy: (v: Value) => boolean): FlaggedTensor {
  delete p.frozen;
  if (value) setRequiresGrad(p, value, site, truthy);
  return p;
}

/** What `p.requires_grad` reads. */
export function requiresGradValue(t: TensorValue, site: Site | null): Value {
  if (!t.parameter) return bool(false);
  const frozen = (t as FlaggedTensor).frozen;
  if (typeof frozen === 'string') return unknown(frozen, site);
  return bool(frozen !== true);
}

/** A dtype change (`.half()`, `.double()`, `.to(torch.float16)`) on a module: its parameters'
 *  bytes are no longer float32's. */
export function markDtypeUnknown(t: TensorValue, why: string): void {
  if (t.parameter) (t as FlaggedTensor).dtypeUnknown = why;
}

/** Why a layer's output is not known to be float32: an input tensor of another float dtype (a
 *  flagged one, or float64 known values), or a parameter of the layer (`state`) whose dtype
 *  changed. Integer inputs do not count (an Embedding's indices give float32 rows). Undefined
 *  when all is float32. A loop, no closure: this runs for every layer call. */
export function dtypeUnknownOf(inputs: readonly Tensor[], state: { parameters: ReadonlyMap<string, Value> } | null): string | undefined {
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i] as Tensor & { dtypeUnknown?: string; double?: boolean; integral?: boolean };
    if (t.dtypeUnknown) return t.dtypeUnknown;
    if (t.double && !t.integral) return 'a float64 tensor';
  }
  if (state) for (const p of state.parameters.values()) if (p.kind === 'tensor' && (p as FlaggedTensor).dtypeUnknown) return (p as FlaggedTensor).dtypeUnknown;
  return undefined;
}

/** `value` with its tensors (a tensor, or the tensors of a tuple or list it returns) flagged as
 *  not float32. */
export function withDtypeUnknown(value: Value, why: string): Value {
  if (value.kind === 'tensor') return { ...value, dtypeUnknown: why } as TensorValue;
  if (value.kind === 'tuple' || value.kind === 'list') {
    const items = value.items.map((v) => (v.kind === 'tensor' ? ({ ...v, dtypeUnknown: why } as TensorValue) : v));
    return { ...value, items };
  }
  return value;
}

/** One parameter's count, trainable part and bytes, added into `into`. */
export interface ParameterTotals {
  params: number;
  trainable: number;
  /** The first reason a parameter's flag is unknown, or null. */
  trainableUnknown: string | null;
  bytes: number;
  bytesUnknown: string | null;
}

export const FLOAT32_BYTES = 4;

export function addParameter(into: ParameterTotals, p: TensorValue, numel: number): void {
  const f = p as FlaggedTensor;
  into.params += numel;
  if (typeof f.frozen === 'string') into.trainableUnknown ??= f.frozen;
  else if (f.frozen !== true) into.trainable += numel;
  if (f.dtypeUnknown) into.bytesUnknown ??= f.dtypeUnknown;
  into.bytes += numel * FLOAT32_BYTES;
}

export function emptyTotals(): ParameterTotals {
  return { params: 0, trainable: 0, trainableUnknown: null, bytes: 0, bytesUnknown: null };
}
