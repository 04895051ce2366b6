// The report's diagnostics as LSP diagnostics: severities, codes with a link to their section of
// the README, and the data the quick fixes need.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver';
import type { Diagnostic, DiagnosticCode, FileReport, Severity, SourceLocation } from '../engine/report';
import type { AnalysisView } from './analysisView';
import type { ConvLensSettings } from './protocol';
import { spanOf } from './reportIndex';
import { samePath } from './uris';

/**
 * The README's "Diagnostics" section explains every code. The README ships inside the extension
 * (beside dist/), so the link is to that file: it opens in the editor and works offline. The
 * fragment is the section's line (`#L244`): VS Code opens a file link there (a `#diagnostics`
 * anchor would open the file at its top).
 */
function readmeLink(): string | null {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const pkg = join(dir, 'package.json');
    // vsce ships the README as `readme.md`; a clone has `README.md`.
    const readme = ['README.md', 'readme.md'].map((name) => join(dir, name)).find((path) => existsSync(path));
    if (existsSync(pkg) && readme) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'convlens') {
          const line = readFileSync(readme, 'utf8').split(/\r?\n/).findIndex((l) => /^#+\s+Diagnostics\s*$/.test(l));
          return `${pathToFileURL(readme).toString()}${line >= 0 ? `#L${line + 1}` : ''}`;
        }
      } catch {
        // not ours; keep looking
      }
    }
    dir = dirname(dir);
  }
  // Never the user's own README (the working directory is their project): no link rather than a wrong one.
  return null;
}

let readme: string | null | undefined;

/** The same section for every code: its table has one row per code; null when the README is not found. */
export function docsLink(): string | null {
  if (readme === undefined) readme = readmeLink();
  return readme;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a quick fix needs to find the layer again. */
export interface DiagnosticData {
  code: DiagnosticCode;
  path?: string;
  model?: string;
  /** The analysed version the diagnostic came from. */
  version: number;
  /** Every layer of a grouped diagnostic (one call that made several layers, as a loop does), in
   *  the report's order; absent when it stands for one layer. */
  paths?: string[];
  /** The indices in that version's report of the diagnostics it stands for. */
  indices?: number[];
}

/** At most this many layer paths are named in a grouped message; the rest are counted. */
const NAMED_PATHS = 4;

/**
 * The report's diagnostics as the editor shows them. Layers made by one call (a loop, a helper
 * called four times) carry the same warning at the same place: those are one diagnostic, `×4`,
 * naming the layers — the Problems view lists the problem once, not once per instance.
 */
export function computeDiagnostics(view: AnalysisView, settings: ConvLensSettings): LspDiagnostic[] {
  const link = docsLink();
  const inDocument = (file: string): boolean => samePath(file, view.result.path) || samePath(file, view.report.file);
  const groups = new Map<string, { first: Diagnostic; where: SourceLocation; range: Range; paths: string[]; indices: number[] }>();
  view.report.diagnostics.forEach((d, index) => {
    if (d.code === 'unknown' && !settings.diagnostics.unknown) return;
    const where = inDocument(d.file) ? d : placeInDocument(d, view.report, inDocument);
    if (!where) return;
    const range = view.rangeToScreen(spanOf(where));
    if (!range) return;
    // The message with its layer path taken out: equal for every instance of one call.
    const template = d.path && d.message.includes(d.path) ? d.message.split(d.path).join('\u0000') : `${index}\u0001${d.message}`;
    const key = JSON.stringify([range, d.severity, d.code, d.model ?? null, where === d, template]);
    const group = groups.get(key);
    if (group) {
      if (d.path !== undefined) group.paths.push(d.path);
      group.indices.push(index);
    } else {
      groups.set(key, { first: d, where, range, paths: d.path !== undefined ? [d.path] : [], indices: [index] });
    }
  });
  const out: LspDiagnostic[] = [];
  for (const { first: d, where, range, paths, indices } of groups.values()) {
    const grouped = indices.length > 1;
    const data: DiagnosticData = {
      code: d.code,
      path: d.path,
      model: d.model,
      version: view.result.version,
      ...(grouped ? { paths, indices } : {}),
    };
    const message = grouped && d.path ? d.message.split(d.path).join(groupedPaths(paths)) : d.message;
    const text = d.model ? `${message} (${d.model})` : message;
    out.push({
      range,
      severity: d.code === 'unknown' ? DiagnosticSeverity.Hint : SEVERITY[d.severity],
      code: d.code,
      ...(link ? { codeDescription: { href: link } } : {}),
      source: 'convlens',
      message: where === d ? text : `${text} [${d.file.split('/').slice(-2).join('/')}:${d.line}]`,
      data,
    });
  }
  return out;
}

/** `×4 [net.0, net.2, net.4, net.6]`; past NAMED_PATHS: `×12 [net.0, net.2, net.4, … net.22]`. */
function groupedPaths(paths: readonly string[]): string {
  const named = paths.length <= NAMED_PATHS ? paths.join(', ') : `${paths.slice(0, NAMED_PATHS - 1).join(', ')}, … ${paths[paths.length - 1]}`;
  return `×${paths.length} [${named}]`;
}

/** A diagnostic of a layer defined in another file (a library's): shown where the document makes
 *  or calls that layer — the innermost place of its `called`, then `defined`, chain in the document. */
function placeInDocument(d: Diagnostic, report: FileReport, inDocument: (file: string) => boolean): SourceLocation | null {
  if (!d.path) return null;
  const model = report.models.find((m) => m.name === d.model) ?? report.models[0];
  const layer = model?.layers.find((l) => l.path === d.path);
  if (!layer) return null;
  return layer.called.find((l) => inDocument(l.file)) ?? layer.defined.find((l) => inDocument(l.file)) ?? null;
}

/** Errors and warnings as the Problems view counts them: what was published, not the report's list
 *  (hidden codes, grouped instances and diagnostics of other files are not counted twice or at all). */
export function countSeverities(diagnostics: readonly LspDiagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === DiagnosticSeverity.Error) errors++;
    else if (d.severity === DiagnosticSeverity.Warning) warnings++;
  }
  return { errors, warnings };
}
