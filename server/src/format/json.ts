// The JSON format: the contract scripts and tests read (DESIGN.md, "The command line"). The
// FileReport is already JSON-able; this picks the contract's field names and order, turns the
// location chains into the innermost {file, line}, and leaves out what only the editor needs
// (per-expression values for inlay hints).

import { rowsToDepth, type TableRow } from './depth';
import type { Diagnostic, FileReport, FootprintAxis, LayerReport, LibraryInfo, ModelCandidate, ModelReport, ModelSource, SourceLocation, ValidInputSizes } from '../engine/report';

export interface JsonLocation {
  file: string;
  line: number;
}

export interface JsonLayer {
  path: string;
  op: string;
  in: number[][];
  out: number[][];
  /** null when the layer is unknown (`unknown: true`): its parameters are not known. */
  params: number | null;
  /** null when the layer is unknown: what it computes is not known (0 would be a plausible wrong count). */
  macs: number | null;
  /** A layer ConvLens could not model or whose input is unknown: its shapes are empty. */
  unknown?: true;
  /** Why it is unknown. */
  reason?: string;
  kernel?: number[];
  stride?: number[];
  dilation?: number[];
  rf: number[];
  jump: number[];
  /** Innermost place the module was made; null for functional calls. */
  defined: JsonLocation | null;
  /** Innermost place it was called. */
  called: JsonLocation | null;
  // Beyond the contract:
  kind: LayerReport['kind'];
  args: string;
  padding?: number[];
  rfExact: string[];
  jumpExact: string[];
  overlap?: number[][];
  /** PyTorch modules: of `params`, those with `requires_grad` (null: not known). */
  trainableParams?: number | null;
  /** Bytes of `params` at float32; of every output tensor of the call. */
  paramBytes?: number | null;
  outputBytes?: number | null;
  /** With `--depth`: this row stands for that many rows folded into this ancestor. */
  folded?: number;
}

export interface JsonModel {
  name: string;
  inputs: number[][];
  outputs: number[][];
  params: number;
  macs: number;
  layers: JsonLayer[];
  // Beyond the contract:
  className: string;
  classLocation: JsonLocation | null;
  inputSource: ModelReport['inputSource'];
  incomplete: boolean;
  /** Some layers are unknown: `params` and `macs` sum only the layers that are known. */
  countsPartial?: true;
  /** TensorFlow.js: the first dimension of every shape is the symbolic batch, analysed as 1. */
  symbolicBatch?: boolean;
  modelSource?: ModelSource;
  outputFootprint?: (FootprintAxis | null)[];
  /** The input sizes forward runs on (PyTorch models with a spatial input). */
  validInputSizes?: ValidInputSizes;
  /** Why a guessed input (`inputSource: "inferred"`) is what it is. */
  inputReason?: string;
  /** PyTorch: torchinfo's totals (definitions in the README's "Numbers"); null when not known,
   *  with why. */
  trainableParams?: number | null;
  nonTrainableParams?: number | null;
  trainableUnknown?: string;
  paramBytes?: number | null;
  forwardBytes?: number | null;
  torchinfoForwardBackwardBytes?: number | null;
  memoryUnknown?: string;
  /** A guessed input only: the input a function of the file (a `test()`) calls the model's class with. */
  callerInput?: ModelReport['callerInput'];
}

export interface JsonDiagnostic {
  severity: Diagnostic['severity'];
  code: Diagnostic['code'];
  message: string;
  file: string;
  line: number;
  path?: string;
  // Beyond the contract:
  column: number;
  endLine: number;
  endColumn: number;
  model?: string;
  pattern?: number[][];
  holes?: FootprintAxis[];
}

export interface JsonFileReport {
  file: string;
  models: JsonModel[];
  diagnostics: JsonDiagnostic[];
  /** Installed libraries the analysis read: `{name, version, path}`, empty when none. */
  libraries: LibraryInfo[];
  /** Classes that need constructor arguments, with a ready directive and the project's calls. */
  modelCandidates?: ModelCandidate[];
}

function location(loc: SourceLocation | null | undefined): JsonLocation | null {
  return loc ? { file: loc.file, line: loc.line } : null;
}

function layerToJson(l: TableRow): JsonLayer {
  return {
    path: l.path,
    op: l.op,
    in: l.in,
    out: l.out,
    params: l.unknown !== undefined ? null : l.params,
    macs: l.unknown !== undefined ? null : l.macs,
    ...(l.unknown !== undefined ? { unknown: true as const, reason: l.unknown } : {}),
    kernel: l.kernel,
    stride: l.stride,
    dilation: l.dilation,
    rf: l.rf,
    jump: l.jump,
    defined: location(l.defined[0]),
    called: location(l.called[0]),
    kind: l.kind,
    args: l.args,
    padding: l.padding,
    rfExact: l.rfExact,
    jumpExact: l.jumpExact,
    overlap: l.overlap,
    trainableParams: l.trainableParams,
    paramBytes: l.paramBytes,
    outputBytes: l.outputBytes,
    folded: l.folded,
  };
}

function modelToJson(m: ModelReport, depth: number | undefined): JsonModel {
  return {
    name: m.name,
    inputs: m.inputs,
    outputs: m.outputs,
    params: m.params,
    macs: m.macs,
    layers: (depth === undefined ? m.layers : rowsToDepth(m, depth)).map(layerToJson),
    className: m.className,
    classLocation: location(m.classLocation),
    inputSource: m.inputSource,
    incomplete: m.incomplete,
    ...(m.layers.some((l) => l.unknown !== undefined) ? { countsPartial: true as const } : {}),
    ...(m.symbolicBatch ? { symbolicBatch: true } : {}),
    ...(m.modelSource ? { modelSource: m.modelSource } : {}),
    ...(m.outputFootprint ? { outputFootprint: m.outputFootprint } : {}),
    ...(m.validInputSizes ? { validInputSizes: m.validInputSizes } : {}),
    ...(m.inputReason ? { inputReason: m.inputReason } : {}),
    ...(m.trainableParams !== undefined ? {
      trainableParams: m.trainableParams,
      nonTrainableParams: m.trainableParams === null ? null : m.params - m.trainableParams,
      trainableUnknown: m.trainableUnknown,
      paramBytes: m.paramBytes,
      forwardBytes: m.forwardBytes,
      torchinfoForwardBackwardBytes: m.torchinfoForwardBackwardBytes,
      memoryUnknown: m.memoryUnknown,
    } : {}),
    ...(m.callerInput ? { callerInput: m.callerInput } : {}),
  };
}

function diagnosticToJson(d: Diagnostic): JsonDiagnostic {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.file,
    line: d.line,
    path: d.path,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    model: d.model,
    pattern: d.pattern,
    holes: d.holes,
  };
}

export function toJsonReport(report: FileReport, depth?: number): JsonFileReport {
  return {
    file: report.file,
    models: report.models.map((m) => modelToJson(m, depth)),
    diagnostics: report.diagnostics.map(diagnosticToJson),
    libraries: (report.libraries ?? []).map((l) => ({ name: l.name, version: l.version, path: l.path })),
    ...(report.modelCandidates?.length ? { modelCandidates: report.modelCandidates } : {}),
  };
}

/** Undefined optional fields drop out; numbers stay numbers (a fractional jump is 0.125). */
export function formatJson(report: FileReport, depth?: number): string {
  return JSON.stringify(toJsonReport(report, depth), null, 2) + '\n';
}
