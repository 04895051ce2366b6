// One engine run for one document: the engine reads imported files through us, so we learn the
// document's dependencies; the `defaultInputShape` setting fills in models whose input would
// otherwise be guessed from the first layer.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeFile } from '../engine/analyze';
import type { Diagnostic, FileReport } from '../engine/report';
import type { ConvLensSettings } from './protocol';
import { parseShapeList } from './settings';

export interface AnalysisInput {
  file: string;
  text: string;
  settings: ConvLensSettings;
  /** The text of an open document at that path (it wins over the disk), or undefined. */
  openText: (path: string) => string | undefined;
}

export interface AnalysisOutput {
  report: FileReport;
  /** Every path the engine asked for, found or not (a file created later may satisfy an import). */
  dependencies: Set<string>;
  durationMs: number;
}

function readerFor(input: AnalysisInput, dependencies: Set<string>) {
  return (path: string): string | null => {
    const full = path.includes('://') ? path : resolve(path);
    dependencies.add(full);
    const open = input.openText(full);
    if (open !== undefined) return open;
    try {
      return readFileSync(full, 'utf8');
    } catch {
      return null;
    }
  };
}

export function runAnalysis(input: AnalysisInput): AnalysisOutput {
  const started = performance.now();
  const dependencies = new Set<string>();
  const readFile = readerFor(input, dependencies);
  const common = { file: input.file, text: input.text, readFile, defaultImageSize: input.settings.defaultImageSize };
  const report = analyzeFile(common);

  const defaultInputs = input.settings.defaultInputShape ? parseShapeList(input.settings.defaultInputShape) : null;
  if (defaultInputs) {
    for (let i = 0; i < report.models.length; i++) {
      const model = report.models[i];
      if (model.inputSource !== 'inferred') continue;
      // The setting is a better guess than the first layer, but a directive or __main__ beats it.
      const again = analyzeFile({ ...common, model: model.name, inputs: defaultInputs });
      const replacement = again.models[0];
      if (!replacement) continue;
      report.models[i] = { ...replacement, name: model.name };
      report.diagnostics = [
        ...report.diagnostics.filter((d: Diagnostic) => d.model !== model.name),
        ...again.diagnostics.filter((d: Diagnostic) => d.model === model.name || d.model === replacement.name).map((d: Diagnostic) => ({ ...d, model: model.name })),
      ];
    }
  }
  dependencies.delete(resolve(input.file));
  return { report, dependencies, durationMs: performance.now() - started };
}
