// What the editor must show, from two sources that do not go through VS Code: numbers worked out
// by hand from the example files (commented where they are used), and the `convlens analyze
// --format json` output of the same file for the receptive fields, which the oracle tests hold
// to brute-force reach sets. The e2e suite checks that the packaged extension shows them.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileReport, LayerReport } from '../../server/src/engine/report';

const CLI = resolve(import.meta.dirname, '../../dist/cli.js');

export function cliReport(file: string): FileReport {
  const out = execFileSync(process.execPath, [CLI, 'analyze', file, '--format', 'json'], { encoding: 'utf8' });
  return JSON.parse(out) as FileReport;
}

export function layer(report: FileReport, path: string, model?: string): LayerReport {
  for (const m of report.models) {
    if (model && m.name !== model) continue;
    const found = m.layers.find((l) => l.path === path);
    if (found) return found;
  }
  throw new Error(`no layer ${path} in ${report.file}`);
}

/** Per-axis values as the editor writes them: once when all axes agree, else joined with ×. */
export function axes(values: string[]): string {
  return values.every((v) => v === values[0]) ? values[0] : values.join('×');
}

/** A shape without its batch axis, as the lenses write it: `21×16×16`. */
export function shapeNoBatch(shape: number[]): string {
  return shape.slice(1).join('×');
}

/** 1-based number of the first line of `file` that contains `text` (below the first line with `after`). */
export function lineOf(file: string, text: string, after?: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const i = from < 0 ? -1 : lines.findIndex((l, n) => n >= from && l.includes(text));
  if (i < 0) throw new Error(`"${text}" is not in ${file}${after === undefined ? '' : ` after "${after}"`}`);
  return i + 1;
}
