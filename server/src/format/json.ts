// The JSON format: the contract scripts and tests read (DESIGN.md, "The command line"). The
// FileReport is already JSON-able; this picks the contract's field names and order, turns the
// location chains into the innermost {file, line}, and leaves out what only the editor needs
// (per-expression values for inlay hints).

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

function layerToJson(l: LayerReport): JsonLayer {
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
  };
}

function modelToJson(m: ModelReport): JsonModel {
  return {
    name: m.name,
    inputs: m.inputs,
    outputs: m.outputs,
    params: m.params,
    macs: m.macs,
    layers: m.layers.map(layerToJson),
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

export function toJsonReport(report: FileReport): JsonFileReport {
  return {
    file: report.file,
    models: report.models.map(modelToJson),
    diagnostics: report.diagnostics.map(diagnosticToJson),
    libraries: (report.libraries ?? []).map((l) => ({ name: l.name, version: l.version, path: l.path })),
    ...(report.modelCandidates?.length ? { modelCandidates: report.modelCandidates } : {}),
  };
}

/** Undefined optional fields drop out; numbers stay numbers (a fractional jump is 0.125). */
export function formatJson(report: FileReport): string {
  return JSON.stringify(toJsonReport(report), null, 2) + '\n';
}
