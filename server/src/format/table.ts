// The table format: for a person at a terminal, in the manner of torchinfo's summary. One block
// per model (header, one row per layer, totals), then the diagnostics with file:line.

import type { Diagnostic, FileReport, ModelReport, Severity } from '../engine/report';
import {
  type Align,
  LAYER_COLUMNS,
  formatLocation,
  layerDepth,
  candidateLines,
  modelNotes,
  modelSignature,
  sortDiagnostics,
  totalsText,
  showClassName,
  memoryTotalLines,
} from './layerCells';
import { rowsToDepth, type TableRow } from './depth';
import { gigaMacs } from './units';

export interface TableOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  color?: boolean;
  /** torchinfo's `depth`: rows nested deeper are folded into their ancestor (`depth.ts`). */
  depth?: number;
}

const GAP = '  ';

type Style = 'bold' | 'dim' | Severity;
const ANSI: Record<Style, [string, string]> = {
  bold: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  error: ['\x1b[31m', '\x1b[39m'],
  warning: ['\x1b[33m', '\x1b[39m'],
  info: ['\x1b[36m', '\x1b[39m'],
  hint: ['\x1b[2m', '\x1b[22m'],
};

function painter(color: boolean) {
  return (style: Style, text: string): string => (color && text ? ANSI[style][0] + text + ANSI[style][1] : text);
}

function pad(text: string, width: number, align: Align): string {
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Lays cells out in columns as wide as their widest cell; trailing spaces trimmed. */
function layoutRows(rows: readonly (readonly string[])[], aligns: readonly Align[]): string[] {
  const widths = aligns.map((_, c) => Math.max(0, ...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => pad(cell, widths[c], aligns[c])).join(GAP).trimEnd());
}

function formatModel(model: ModelReport, paint: ReturnType<typeof painter>, depth: number | undefined): string[] {
  const totals = totalsText(model);
  const header = [
    `${model.name}${showClassName(model) ? ` (${model.className})` : ''}`,
    modelSignature(model),
    `params ${totals.params}`,
    `MACs ${gigaMacs(model.macs)} G`,
  ].join('   ');
  const notes = modelNotes(model).map((n) => `note: ${n}`);

  const headings = LAYER_COLUMNS.map((c) => c.header);
  const rows: TableRow[] = depth === undefined ? model.layers : rowsToDepth(model, depth);
  const body = rows.map((layer) =>
    LAYER_COLUMNS.map((c, i) => {
      if (i === 0) return '  '.repeat(layerDepth(layer)) + (c.cell(layer) || '(root)');
      // A folded row stands for several calls: their sums, no single output shape.
      if (layer.folded && c.header === 'Output shape') return layer.notCalled ? c.cell(layer) : `(${layer.folded} call${layer.folded === 1 ? '' : 's'})`;
      return c.cell(layer);
    }),
  );
  const [headingLine, ...rowLines] = layoutRows([headings, ...body], LAYER_COLUMNS.map((c) => c.align));
  const totalLine = `Total   params ${totals.params}   MACs ${totals.macs}`;
  const memoryLines = memoryTotalLines(model);

  const width = Math.max(header.length, totalLine.length, headingLine.length, ...rowLines.map((l) => l.length));
  const heavy = paint('dim', '='.repeat(width));
  const light = paint('dim', '-'.repeat(width));
  return [
    heavy,
    paint('bold', header),
    ...notes.map((n) => paint('dim', n)),
    light,
    paint('bold', headingLine),
    light,
    ...(rowLines.length ? rowLines : ['(no layers)']),
    light,
    paint('bold', totalLine),
    ...memoryLines,
    heavy,
  ];
}

function formatDiagnostic(d: Diagnostic, paint: ReturnType<typeof painter>): string {
  const where = [d.model && `in ${d.model}`, d.path && `at ${d.path}`].filter(Boolean).join(' ');
  // The overlap pattern is part of the engine's message; JSON and SARIF carry it as data.
  return `${formatLocation(d)}: ${paint(d.severity, d.severity)}: ${d.message} [${d.code}]${where ? ` (${where})` : ''}`;
}

export function formatTable(report: FileReport, options: TableOptions = {}): string {
  const paint = painter(options.color ?? false);
  const lines: string[] = [];
  if (report.models.length === 0 && !report.modelCandidates?.length) lines.push(`No models analysed in ${report.file}.`);
  for (const model of report.models) {
    if (lines.length) lines.push('');
    lines.push(...formatModel(model, paint, options.depth));
  }
  const candidates = candidateLines(report);
  if (candidates.length) lines.push(...(lines.length ? [''] : []), ...candidates);
  if (report.libraries?.length) {
    lines.push('', `Libraries: ${report.libraries.map((l) => `${l.name}${l.version ? ` ${l.version}` : ''} (${l.path})`).join(', ')}`);
  }
  if (report.diagnostics.length) {
    lines.push('', paint('bold', `Diagnostics (${report.diagnostics.length})`));
    for (const d of sortDiagnostics(report.diagnostics)) lines.push(formatDiagnostic(d, paint));
  }
  return lines.join('\n') + '\n';
}
