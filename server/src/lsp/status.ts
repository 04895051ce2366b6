// The status notification: a summary of each analysis for the client's status bar.

import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { CompletedAnalysis } from './analysisScheduler';
import { countSeverities } from './diagnostics';
import type { SearchPathEntry } from '../engine/report';
import type { StatusParams } from './protocol';
import { samePath } from './uris';

/** The analysis's summary; its counts are those of the diagnostics published for it, so the status
 *  item and the Problems view agree. */
export function statusOf(result: CompletedAnalysis, published: readonly LspDiagnostic[], searchPath?: SearchPathEntry[]): StatusParams {
  const { errors, warnings } = countSeverities(published);
  result.derived.publishedCounts = { errors, warnings };
  return {
    uri: result.uri,
    version: result.version,
    state: 'done',
    models: result.report.models.map((m) => ({
      name: m.name,
      className: m.className,
      params: m.params,
      macs: m.macs,
      inputs: m.inputs,
      outputs: m.outputs,
      inputSource: m.inputSource,
      incomplete: m.incomplete,
      ...(m.classLocation && samePath(m.classLocation.file, result.path)
        ? { classLines: { start: m.classLocation.line - 1, end: m.classLocation.endLine - 1 } }
        : {}),
    })),
    errors,
    warnings,
    durationMs: Math.round(result.durationMs * 10) / 10,
    libraries: result.report.libraries ?? [],
    ...(searchPath ? { searchPath } : {}),
  };
}

export function failedStatus(uri: string, version: number, error: unknown, previous: CompletedAnalysis | undefined): StatusParams {
  const counts = (previous?.derived.publishedCounts as { errors: number; warnings: number } | undefined) ?? { errors: 0, warnings: 0 };
  const base = previous ? { ...statusOf(previous, []), ...counts } : { uri, version, models: [], errors: 0, warnings: 0, durationMs: 0 };
  return { ...base, uri, version, state: 'failed', message: error instanceof Error ? error.message : String(error) };
}
