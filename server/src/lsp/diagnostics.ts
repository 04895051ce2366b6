// The report's diagnostics as LSP diagnostics: severities, codes with a link to their section of
// the README, and the data the quick fixes need.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic, DiagnosticCode, FileReport, Severity, SourceLocation } from '../engine/report';
import type { AnalysisView } from './analysisView';
import type { ConvLensSettings } from './protocol';
import { spanOf } from './reportIndex';
import { samePath } from './uris';

/**
 * The README's "Diagnostics" section explains every code. The README ships inside the extension
 * (beside dist/), so the link is to that file: it opens in the editor and works offline.
 */
function readmeUrl(): string | null {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const pkg = join(dir, 'package.json');
    // vsce ships the README as `readme.md`; a clone has `README.md`.
    const readme = ['README.md', 'readme.md'].map((name) => join(dir, name)).find((path) => existsSync(path));
    if (existsSync(pkg) && readme) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'convlens') return pathToFileURL(readme).toString();
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
  if (readme === undefined) readme = readmeUrl();
  return readme === null ? null : `${readme}#diagnostics`;
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
}

export function computeDiagnostics(view: AnalysisView, settings: ConvLensSettings): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  const link = docsLink();
  const inDocument = (file: string): boolean => samePath(file, view.result.path) || samePath(file, view.report.file);
  for (const d of view.report.diagnostics) {
    if (d.code === 'unknown' && !settings.diagnostics.unknown) continue;
    const where = inDocument(d.file) ? d : placeInDocument(d, view.report, inDocument);
    if (!where) continue;
    const range = view.rangeToScreen(spanOf(where));
    if (!range) continue;
    const data: DiagnosticData = { code: d.code, path: d.path, model: d.model, version: view.result.version };
    out.push({
      range,
      severity: d.code === 'unknown' ? DiagnosticSeverity.Hint : SEVERITY[d.severity],
      code: d.code,
      ...(link ? { codeDescription: { href: link } } : {}),
      source: 'convlens',
      message: where === d ? messageOf(d) : `${messageOf(d)} [${d.file.split('/').slice(-2).join('/')}:${d.line}]`,
      data,
    });
  }
  return out;
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

function messageOf(d: Diagnostic): string {
  return d.model ? `${d.message} (${d.model})` : d.message;
}

export function countSeverities(report: { diagnostics: Diagnostic[] }): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of report.diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
  }
  return { errors, warnings };
}
