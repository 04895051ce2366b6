// The text of one layer row, shared by the table and markdown formats so both say the same
// thing about a layer.

import type { Diagnostic, FileReport, LayerReport, ModelReport, SourceLocation } from '../engine/report';
import { gigaMacs, groupThousands, humanBytes, humanCount, megabytes } from './units';

export type Align = 'left' | 'right';

export interface Column {
  header: string;
  align: Align;
  cell: (layer: LayerReport) => string;
}

/** `[1, 64, 56, 56]` */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Several tensors: `[1, 3], [1, 5]`. */
export function formatShapes(shapes: readonly (readonly number[])[]): string {
  return shapes.map(formatShape).join(', ');
}

/** Per-axis values as one number when every spatial axis agrees (`3`), else `3×1`. */
export function formatAxes(values: readonly (number | string)[] | undefined): string {
  if (!values || values.length === 0) return '';
  const texts = values.map(String);
  return texts.every((t) => t === texts[0]) ? texts[0] : texts.join('×');
}

/** What a module built in `__init__` but never called by forward shows instead of shapes. */
export const NOT_CALLED = 'not called in forward';

/** A count cell: "-" for zero so the rows that matter stand out. */
function countCell(n: number): string {
  return n === 0 ? '-' : humanCount(n);
}

export const LAYER_COLUMNS: readonly Column[] = [
  { header: 'Layer', align: 'left', cell: (l) => l.path },
  { header: 'Op', align: 'left', cell: (l) => l.op },
  { header: 'Output shape', align: 'left', cell: (l) => (l.notCalled ? NOT_CALLED : formatShapes(l.out)) },
  { header: 'Kernel', align: 'right', cell: (l) => formatAxes(l.kernel) },
  { header: 'Stride', align: 'right', cell: (l) => formatAxes(l.stride) },
  { header: 'Dilation', align: 'right', cell: (l) => formatAxes(l.dilation) },
  // The exact fractions (47/8), not the rounded numbers: that is what the jump is.
  { header: 'RF', align: 'right', cell: (l) => formatAxes(l.rfExact.length ? l.rfExact : l.rf) },
  { header: 'Jump', align: 'right', cell: (l) => formatAxes(l.jumpExact.length ? l.jumpExact : l.jump) },
  { header: 'Params', align: 'right', cell: (l) => countCell(l.params) },
  { header: 'MACs', align: 'right', cell: (l) => countCell(l.macs) },
  { header: 'Param mem', align: 'right', cell: (l) => bytesCell(l.paramBytes) },
  { header: 'Out mem', align: 'right', cell: (l) => (l.notCalled ? '' : bytesCell(l.outputBytes)) },
  { header: 'Trainable', align: 'left', cell: (l) => trainableCell(l) },
];

/** Bytes: "-" for none, "?" when not known (a dtype change, an unknown output). */
function bytesCell(bytes: number | null | undefined): string {
  if (bytes === undefined) return '';
  return bytes === null ? '?' : bytes === 0 ? '-' : humanBytes(bytes);
}

/** torchinfo's trainable column: `yes`, `frozen`, `partial` (with the trainable count), `?`. */
export function trainableCell(l: Pick<LayerReport, 'params' | 'trainableParams'>): string {
  if (l.trainableParams === undefined || l.params === 0) return '';
  if (l.trainableParams === null) return '?';
  if (l.trainableParams === l.params) return 'yes';
  if (l.trainableParams === 0) return 'frozen';
  return `partial ${humanCount(l.trainableParams)}`;
}

/** How deep a layer sits under the root: `layer1.0.conv1` is 2. A functional call sits one
 *  level under the module whose forward made it (`up1.F.pad@48` → under `up1`). */
export function layerDepth(layer: LayerReport): number {
  let path = layer.path;
  if (layer.kind === 'function') {
    const at = path.lastIndexOf(layer.op);
    const owner = at > 0 ? path.slice(0, at).replace(/\.$/, '') : '';
    return owner === '' ? 0 : owner.split('.').length;
  }
  if (path === '') return 0;
  return path.split('.').length - 1;
}

/** `models/resnet.py:49:8` (column 1-based, as editors and compilers print it). */
export function formatLocation(loc: Pick<SourceLocation, 'file' | 'line'> & { column?: number }): string {
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column + 1}`;
}

/** Whether a header should name the class too: yes for `resnet50()` (ResNet), no for `UNet()`. */
export function showClassName(model: ModelReport): boolean {
  return Boolean(model.className) && !model.name.startsWith(`${model.className}(`);
}

/** The input → output part of a model's header line. */
export function modelSignature(model: ModelReport): string {
  const outputs = model.outputs.length ? formatShapes(model.outputs) : '?';
  return `${formatShapes(model.inputs)} → ${outputs}`;
}

const INPUT_SOURCE_NOTE: Record<ModelReport['inputSource'], string> = {
  argument: '',
  directive: 'input from the # convlens: input= directive',
  main: 'input from the __main__ block',
  inferred: 'input inferred from the first layer',
  code: '',
};

/** Notes that qualify the numbers of a model (where the input came from, an incomplete trace). */
export function modelNotes(model: ModelReport): string[] {
  const notes: string[] = [];
  const source = model.modelSource;
  if (source?.kind === 'call') notes.push(`model from the call at ${source.file}:${source.line} (the file names no model)`);
  if (source?.kind === 'through') {
    const call = source.call ? `, built as at ${source.call.file}:${source.call.line}` : '';
    notes.push(`this file's classes as ${source.expression} of ${source.file}:${source.line} builds them${call}`);
  }
  if (model.inputSource === 'inferred' && model.inputReason) notes.push(`input guessed (no directive): ${model.inputReason}`);
  else if (INPUT_SOURCE_NOTE[model.inputSource]) notes.push(INPUT_SOURCE_NOTE[model.inputSource]);
  if (model.callerInput) {
    const c = model.callerInput;
    notes.push(`${c.functionName}() (line ${c.line}) calls it with ${c.shapes.map((s) => s.join('×')).join(', ')}: --input ${c.shapes.map((s) => s.join(',')).join(';')} analyses that`);
  }
  if (model.validInputSizes) notes.push(`valid input sizes: ${model.validInputSizes.summary}`);
  if (model.symbolicBatch) notes.push("the first dimension is the batch, TF.js's null, analysed as 1 (MACs are per example)");
  if (model.incomplete) notes.push('forward was not followed to the end: the numbers cover what was (see the diagnostics)');
  return notes;
}

export function totalsText(model: ModelReport): { params: string; macs: string } {
  return {
    params: `${groupThousands(model.params)} (${humanCount(model.params)})`,
    macs: `${groupThousands(model.macs)} (${gigaMacs(model.macs)} G)`,
  };
}

/** torchinfo's totals: trainable and frozen parameters, parameter and forward-pass memory
 *  (absent for models without these numbers: TensorFlow.js). */
export function memoryTotalLines(model: ModelReport): string[] {
  if (model.trainableParams === undefined && model.paramBytes === undefined) return [];
  const lines: string[] = [];
  if (model.trainableParams === null || model.trainableParams === undefined) {
    lines.push(`Trainable params: unknown${model.trainableUnknown ? ` (${model.trainableUnknown})` : ''}`);
  } else {
    lines.push(`Trainable params: ${groupThousands(model.trainableParams)}`);
    lines.push(`Non-trainable params: ${groupThousands(model.params - model.trainableParams)}`);
  }
  const why = model.memoryUnknown ? `unknown (${model.memoryUnknown})` : 'unknown';
  lines.push(`Params size (MB): ${model.paramBytes == null ? why : megabytes(model.paramBytes)}`);
  if (model.forwardBytes == null) lines.push(`Forward pass size (MB): ${why}`);
  else {
    const torchinfo = model.torchinfoForwardBackwardBytes;
    lines.push(`Forward pass size (MB): ${megabytes(model.forwardBytes)}${torchinfo == null ? '' : ` (torchinfo's Forward/backward pass size: ${megabytes(torchinfo)})`}`);
  }
  return lines;
}

/** Lines listing the classes that need constructor arguments: each signature, where it is, a
 *  ready directive and the calls found in the project. */
export function candidateLines(report: FileReport): string[] {
  const list = report.modelCandidates ?? [];
  if (!list.length) return [];
  const lines = [`Classes that need constructor arguments (add a directive above the class, or pass --model):`];
  for (const c of list) {
    lines.push(`  ${c.signature}${c.location ? `  ${c.location.file}:${c.location.line}` : ''}`);
    lines.push(`    ${c.directive}`);
    for (const call of c.calls) {
      const why = call.insideClass ? ` (part of ${call.insideClass})` : call.literal ? '' : ' (arguments computed there)';
      lines.push(`    built at ${call.file}:${call.line}: ${call.expression}${why}`);
    }
  }
  return lines;
}

/** Diagnostics in reading order: by file, then line, then column. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
}
