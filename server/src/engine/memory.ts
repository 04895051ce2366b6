// Trainable parameters and memory, torchinfo's extra numbers, from what the analysis followed.
// Definitions (DESIGN-style, the README's "Numbers" says the same):
// - trainable: parameters whose `requires_grad` is True when forward has run (python/paramFlags.ts);
//   unknown (null, with why) where a flag was set from an unknown value or a statement of the
//   model's construction or forward was not followed (it may have frozen parameters).
// - parameter bytes: numel × 4 (float32, torch's default dtype) of each parameter once; buffers
//   are not counted (torchinfo's "Params size" does not count them either); unknown where code
//   changed a module's dtype (`.half()`, `.to(torch.float16)`) or built a layer with `dtype=`.
// - a tensor of another float dtype (python/paramFlags.ts `dtypeUnknownOf`) flows on: a layer fed
//   one, or holding such parameters, returns tensors whose bytes are unknown; `.float()` ends it.
// - output bytes of a module call: numel × 4 of every tensor it returns; the forward pass size
//   is their sum over every module call (a module called twice counts twice). torchinfo's
//   "Forward/backward pass size" is reported beside it, by its rule: twice the first output
//   tensor's bytes of every call of a module that has parameters.

import type { ContainerReport, LayerReport } from './report';
import type { LayerRecord } from './python/recorder';
import { addParameter, emptyTotals, FLOAT32_BYTES, type FlaggedTensor, type ParameterTotals } from './python/paramFlags';
import type { InstanceValue } from './python/values';

export interface ModelMemory {
  trainableParams: number | null;
  trainableUnknown?: string;
  paramBytes: number | null;
  forwardBytes: number | null;
  torchinfoForwardBackwardBytes: number | null;
  memoryUnknown?: string;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const x of shape) n *= x;
  return n;
}

/** The own parameters of a module (`parameters(recurse=False)`). */
export function ownParameterTotals(module: InstanceValue): ParameterTotals {
  const t = emptyTotals();
  for (const p of module.module!.parameters.values()) if (p.kind === 'tensor') addParameter(t, p, numel(p.shape));
  return t;
}

/** Why a call's outputs are not float32 tensors of the model's dtype, or null. */
function outputDtypeUnknown(r: LayerRecord): string | null {
  for (const t of r.outputs) {
    const flags = t as { integral?: boolean; bool?: boolean; double?: boolean; dtypeUnknown?: string };
    if (flags.dtypeUnknown) return flags.dtypeUnknown;
    if (flags.integral || flags.bool || flags.double) return `${r.op} returns a tensor that is not float32`;
  }
  // A pool asked for its indices returns them as int64 beside the values.
  if (r.outputs.length > 1 && /Pool/.test(r.family)) return `${r.op} returns int64 indices beside its values`;
  return null;
}

/** Fills a module row's trainable count, parameter bytes and output bytes. `params` on the row
 *  is already the module's own (0 on a call after the first): these follow the same rule. */
export function fillLayerMemory(report: LayerReport, r: LayerRecord, firstCall: boolean): void {
  if (!r.module) return;
  const own = ownParameterTotals(r.module);
  report.trainableParams = !firstCall ? 0 : own.trainableUnknown ? null : own.trainable;
  report.paramBytes = !firstCall ? 0 : own.bytesUnknown || !Number.isSafeInteger(own.bytes) ? null : own.bytes;
  report.outputBytes = r.unknown || r.outputs.length === 0 || outputDtypeUnknown(r) ? null : outputBytesOf(r);
}

function outputBytesOf(r: LayerRecord): number | null {
  let bytes = 0;
  for (const t of r.outputs) bytes += numel(t.shape) * FLOAT32_BYTES;
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** A module built but never called: its parameters, no outputs. */
export function fillUncalledMemory(report: LayerReport, module: InstanceValue): void {
  const own = ownParameterTotals(module);
  report.trainableParams = own.trainableUnknown ? null : own.trainable;
  report.paramBytes = own.bytesUnknown ? null : own.bytes;
}

/** The model's totals. `modules`: every module of the model (each parameter counted once);
 *  `problem`: why statements were not followed, when some were. */
export function modelMemory(modules: readonly InstanceValue[], records: readonly LayerRecord[], problem: string | null): ModelMemory {
  const totals = emptyTotals();
  const seen = new Set<FlaggedTensor>();
  for (const m of modules) {
    for (const p of m.module?.parameters.values() ?? []) {
      if (p.kind !== 'tensor' || seen.has(p)) continue;
      seen.add(p);
      addParameter(totals, p, numel(p.shape));
    }
  }
  const trainableUnknown = totals.trainableUnknown ?? (problem ? `${problem}: they may set requires_grad` : null);
  let memoryUnknown: string | null = totals.bytesUnknown;
  let forward = 0;
  let torchinfo = 0;
  for (const r of records) {
    if (!r.module) continue;
    const why = r.unknown ?? outputDtypeUnknown(r);
    if (why) {
      memoryUnknown ??= `the output of a ${r.op} call is not known (${why})`;
      continue;
    }
    const bytes = outputBytesOf(r) ?? NaN;
    forward += bytes;
    let hasParams = false;
    for (const p of r.module.module!.parameters.values()) if (p.kind === 'tensor') hasParams = true;
    if (hasParams && r.outputs.length) torchinfo += 2 * numel(r.outputs[0]!.shape) * FLOAT32_BYTES;
  }
  if (!memoryUnknown && !Number.isSafeInteger(forward)) memoryUnknown = 'sizes past 2^53 bytes';
  const known = (n: number): number | null => (memoryUnknown ? null : n);
  return {
    trainableParams: trainableUnknown ? null : totals.trainable,
    ...(trainableUnknown ? { trainableUnknown } : {}),
    paramBytes: totals.bytesUnknown || !Number.isSafeInteger(totals.bytes) ? null : totals.bytes,
    forwardBytes: known(forward),
    torchinfoForwardBackwardBytes: known(torchinfo),
    ...(memoryUnknown ? { memoryUnknown } : {}),
  };
}

/** Adds the parameters of `x` and everything under it, each once (a function of its own, not a
 *  closure per container: the report builds this for every container). */
function addContainerParameters(x: InstanceValue, depth: number, seen: Set<FlaggedTensor>, totals: ParameterTotals): void {
  for (const p of x.module!.parameters.values()) {
    if (p.kind !== 'tensor' || seen.has(p)) continue;
    seen.add(p);
    addParameter(totals, p, numel(p.shape));
  }
  // A module registered under itself would loop; torch's named_modules() skips repeats too.
  if (depth < 64) for (const c of x.module!.modules.values()) if (c.kind === 'instance') addContainerParameters(c, depth + 1, seen, totals);
}

/** Every module with submodules under the root, with its parameters (each once). */
export function containerReports(modules: readonly InstanceValue[], paths: ReadonlyMap<number, string>): ContainerReport[] {
  const out: ContainerReport[] = [];
  for (const m of modules) {
    const path = paths.get(m.id);
    if (!path || !m.module) continue;
    let hasChildren = false;
    for (const c of m.module.modules.values()) if (c.kind === 'instance') hasChildren = true;
    if (!hasChildren) continue;
    const totals = emptyTotals();
    addContainerParameters(m, 0, new Set<FlaggedTensor>(), totals);
    out.push({
      path, className: m.cls.name, params: totals.params,
      trainableParams: totals.trainableUnknown ? null : totals.trainable,
      paramBytes: totals.bytesUnknown ? null : totals.bytes,
    });
  }
  return out;
}
