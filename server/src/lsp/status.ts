// The status notification: a summary of each analysis for the client's status bar.

import type { CompletedAnalysis } from './analysisScheduler';
import { countSeverities } from './diagnostics';
import type { SearchPathEntry } from '../engine/report';
import type { StatusParams } from './protocol';

export function statusOf(result: CompletedAnalysis, searchPath?: SearchPathEntry[]): StatusParams {
  const { errors, warnings } = countSeverities(result.report);
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
    })),
    errors,
    warnings,
    durationMs: Math.round(result.durationMs * 10) / 10,
    libraries: result.report.libraries ?? [],
    ...(searchPath ? { searchPath } : {}),
  };
}

export function failedStatus(uri: string, version: number, error: unknown, previous: CompletedAnalysis | undefined): StatusParams {
  const base = previous ? statusOf(previous) : { uri, version, models: [], errors: 0, warnings: 0, durationMs: 0 };
  return { ...base, uri, version, state: 'failed', message: error instanceof Error ? error.message : String(error) };
}
