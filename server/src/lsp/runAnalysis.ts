// One engine run for one document: the engine reads imported files through us, so we learn the
// document's dependencies; the `defaultInputShape` setting fills in models whose input would
// otherwise be guessed from the first layer.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeFile } from '../engine/analyze';
import type { FileReport } from '../engine/report';
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
  const report = analyzeFile({
    file: input.file,
    text: input.text,
    readFile: readerFor(input, dependencies),
    defaultImageSize: input.settings.defaultImageSize,
    // The setting is a better guess than the first layer, but a directive or __main__ beats it.
    defaultInputs: (input.settings.defaultInputShape && parseShapeList(input.settings.defaultInputShape)) || undefined,
  });
  dependencies.delete(resolve(input.file));
  return { report, dependencies, durationMs: performance.now() - started };
}
