// What makes a FileReport unfit to print: the checks the robustness test applies to every
// analysis of broken code.

import type { Diagnostic, FileReport, LayerReport, SourceLocation } from '../../server/src/engine/report';

const lines = (text: string): string[] => text.split('\n');

/** Problems with a report, described; empty when it is well-formed. */
export function problemsOf(report: FileReport, file: string, text: string): string[] {
  const problems: string[] = [];
  const lineCount = lines(text).length;
  const isCount = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  const isShape = (s: unknown) => Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0);
  const checkLocation = (where: string, loc: SourceLocation | Diagnostic) => {
    // readFile finds nothing, so every place the engine reports must be in the file itself.
    if (loc.file !== file) problems.push(`${where}: file ${JSON.stringify(loc.file)}`);
    if (!Number.isInteger(loc.line) || loc.line < 1 || loc.line > lineCount) problems.push(`${where}: line ${loc.line} outside 1..${lineCount}`);
    if (!Number.isInteger(loc.endLine) || loc.endLine < loc.line || loc.endLine > lineCount) problems.push(`${where}: endLine ${loc.endLine} (line ${loc.line}, ${lineCount} lines)`);
    if (!Number.isInteger(loc.column) || loc.column < 0) problems.push(`${where}: column ${loc.column}`);
  };
  const checkLayer = (where: string, layer: LayerReport) => {
    if (typeof layer.path !== 'string') problems.push(`${where}: path ${layer.path}`);
    if (typeof layer.op !== 'string' || layer.op === '') problems.push(`${where}: op ${layer.op}`);
    if (!Array.isArray(layer.in) || !layer.in.every(isShape)) problems.push(`${where}: in ${JSON.stringify(layer.in)}`);
    if (!Array.isArray(layer.out) || !layer.out.every(isShape)) problems.push(`${where}: out ${JSON.stringify(layer.out)}`);
    if (!isCount(layer.params) || !isCount(layer.macs)) problems.push(`${where}: params ${layer.params}, macs ${layer.macs}`);
    const axes = [...layer.rf, ...layer.jump];
    if (!axes.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) problems.push(`${where}: rf ${layer.rf} jump ${layer.jump}`);
    if (layer.rfExact.length !== layer.rf.length || layer.jumpExact.length !== layer.jump.length) problems.push(`${where}: exact fractions do not match`);
    layer.defined.forEach((l, i) => checkLocation(`${where} defined[${i}]`, l));
    layer.called.forEach((l, i) => checkLocation(`${where} called[${i}]`, l));
  };

  if (!Array.isArray(report.models) || !Array.isArray(report.diagnostics)) return ['models or diagnostics is not an array'];
  for (const model of report.models) {
    const where = `model ${model.name}`;
    if (typeof model.name !== 'string' || model.name === '') problems.push('model without a name');
    if (!model.inputs.every(isShape) || !model.outputs.every(isShape)) problems.push(`${where}: inputs/outputs`);
    if (!isCount(model.params) || !isCount(model.macs)) problems.push(`${where}: params ${model.params}, macs ${model.macs}`);
    model.layers.forEach((layer, i) => checkLayer(`${where} layer ${i} (${layer.path})`, layer));
    // The JSON format must be able to carry it.
    try {
      JSON.stringify(model);
    } catch (error) {
      problems.push(`${where}: not JSON-able: ${(error as Error).message}`);
    }
  }
  report.diagnostics.forEach((d, i) => {
    const where = `diagnostic ${i} [${d.code}]`;
    if (typeof d.message !== 'string' || d.message.trim() === '') problems.push(`${where}: empty message`);
    if (!['error', 'warning', 'info', 'hint'].includes(d.severity)) problems.push(`${where}: severity ${d.severity}`);
    if (typeof d.code !== 'string' || (d.code as string) === '') problems.push(`${where}: no code`);
    checkLocation(where, d);
  });
  return problems;
}
