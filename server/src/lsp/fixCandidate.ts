// What a quick fix for an uneven overlap carries (Python's in codeActions.ts, TF.js's in
// tfjsFixes.ts), and the layers it rebuilds.

import type { TextEdit } from 'vscode-languageserver';
import type { FileReport, SourceLocation } from '../engine/report';
import { samePath } from './uris';

/** A quick fix offered for an uneven overlap, before the engine re-reads the edited text. */
export interface FixCandidate {
  title: string;
  edits: TextEdit[];
  /** The layers the edit rebuilds: their paths per model name (a path names a layer only within
   *  its model: two classes may both have a `self.up`). */
  replaced: Map<string, Set<string>>;
  /** How a rebuilt layer is named afterwards. */
  renamed: (path: string) => string;
}

/** Every layer, in every model, that the call at `made` builds (a helper or a loop builds several). */
export function layersMadeBy(report: FileReport, made: SourceLocation): Map<string, Set<string>> {
  const byModel = new Map<string, Set<string>>();
  for (const m of report.models) {
    for (const l of m.layers) {
      const d0 = l.defined[0];
      if (!d0 || d0.line !== made.line || d0.column !== made.column || !samePath(d0.file, made.file)) continue;
      let paths = byModel.get(m.name);
      if (!paths) byModel.set(m.name, (paths = new Set()));
      paths.add(l.path);
    }
  }
  return byModel;
}
