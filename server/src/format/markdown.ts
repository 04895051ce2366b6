// The markdown format: a GitHub-flavoured table per model, for pull-request comments and job
// summaries ($GITHUB_STEP_SUMMARY).

import type { Diagnostic, FileReport, ModelReport } from '../engine/report';
import { LAYER_COLUMNS, candidateLines, formatLocation, memoryTotalLines, modelNotes, modelSignature, showClassName, sortDiagnostics, totalsText } from './layerCells';
import { rowsToDepth, type TableRow } from './depth';
import { gigaMacs } from './units';

/** A cell must not end the row early or start a new line (GitHub wants `\|` even inside code). */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Inline code that survives backticks inside it. */
function code(text: string): string {
  const fence = text.includes('`') ? '`` ' : '`';
  return fence + text + [...fence].reverse().join('');
}

function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function formatModel(model: ModelReport, depth: number | undefined): string[] {
  const totals = totalsText(model);
  const lines = [
    `### ${code(model.name)}${showClassName(model) ? ` (${escapeCell(model.className)})` : ''}`,
    '',
    `${escapeCell(modelSignature(model))} · params **${totals.params}** · MACs **${gigaMacs(model.macs)} G**`,
  ];
  for (const note of modelNotes(model)) lines.push('', `> ${note}`);
  lines.push(
    '',
    tableRow(LAYER_COLUMNS.map((c) => c.header)),
    tableRow(LAYER_COLUMNS.map((c) => (c.align === 'right' ? '---:' : '---'))),
  );
  const rows: TableRow[] = depth === undefined ? model.layers : rowsToDepth(model, depth);
  for (const layer of rows) {
    lines.push(tableRow(LAYER_COLUMNS.map((c, i) => {
      const folded = layer.folded && !layer.notCalled && c.header === 'Output shape';
      const text = folded ? `(${layer.folded} call${layer.folded === 1 ? '' : 's'})` : escapeCell(c.cell(layer));
      return i === 0 ? code(text || '(root)') : text;
    })));
  }
  const totalCells = LAYER_COLUMNS.map(() => '');
  totalCells[0] = '**Total**';
  totalCells[LAYER_COLUMNS.findIndex((c) => c.header === 'Params')] = `**${totals.params}**`;
  totalCells[LAYER_COLUMNS.findIndex((c) => c.header === 'MACs')] = `**${totals.macs}**`;
  lines.push(tableRow(totalCells));
  const memory = memoryTotalLines(model);
  if (memory.length) lines.push('', ...memory.map((l) => `- ${escapeCell(l)}`));
  return lines;
}

function formatDiagnostic(d: Diagnostic): string {
  const where = [d.model && `in ${code(d.model)}`, d.path && `at ${code(d.path)}`].filter(Boolean).join(' ');
  let text = `- **${d.severity}** ${code(d.code)} ${code(formatLocation(d))}: ${escapeCell(d.message)}`;
  if (where) text += ` (${where})`;
  return text;
}

export function formatMarkdown(report: FileReport, depth?: number): string {
  const lines = [`## ConvLens: ${code(report.file)}`];
  if (report.models.length === 0 && !report.modelCandidates?.length) lines.push('', 'No models analysed.');
  for (const model of report.models) lines.push('', ...formatModel(model, depth));
  const candidates = candidateLines(report);
  if (candidates.length) lines.push('', '```', ...candidates, '```');
  if (report.diagnostics.length) {
    lines.push('', `### Diagnostics (${report.diagnostics.length})`, '');
    for (const d of sortDiagnostics(report.diagnostics)) lines.push(formatDiagnostic(d));
  }
  return lines.join('\n') + '\n';
}
