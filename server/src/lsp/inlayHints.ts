// Inlay hints: the shape of each tensor assigned in forward, after the assignment target.

import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver';
import type { AnalysisView } from './analysisView';
import { distinctShapes } from './format';
import { comparePos } from './positionMap';
import type { Span0 } from './reportIndex';

interface HintSpec {
  at: Span0['end'];
  label: string;
  /** After a target (`x: 1×64×56×56 = …`) or at the end of a statement. */
  padLeft: boolean;
}

function computeHintSpecs(view: AnalysisView): HintSpec[] {
  const bySpan = new Map<string, { span: Span0; shapes: number[][]; symbolicBatch: boolean }>();
  for (const v of view.index().values) {
    const key = `${v.value.name}@${v.span.start.line}:${v.span.start.character}-${v.span.end.line}:${v.span.end.character}`;
    let entry = bySpan.get(key);
    if (!entry) {
      entry = { span: v.span, shapes: [], symbolicBatch: v.model.symbolicBatch === true };
      bySpan.set(key, entry);
    }
    entry.shapes.push(...v.value.shapes);
  }
  const specs: HintSpec[] = [];
  for (const { span, shapes, symbolicBatch } of bySpan.values()) {
    if (!shapes.length) continue;
    const rest = view.lineText(span.end.line).slice(span.end.character).trimStart();
    const isTarget = /^(=|,|\)|:|\+=|-=|\*=)/.test(rest) && !rest.startsWith('==');
    const text = distinctShapes(shapes, 3, symbolicBatch);
    specs.push({ at: span.end, label: isTarget ? `: ${text}` : `→ ${text}`, padLeft: !isTarget });
  }
  return specs;
}

export function computeInlayHints(view: AnalysisView, range: Range): InlayHint[] {
  const d = view.result.derived;
  if (!Array.isArray(d.hints)) d.hints = computeHintSpecs(view);
  const hints: InlayHint[] = [];
  for (const spec of d.hints as HintSpec[]) {
    const position = view.toScreen(spec.at, 'before');
    if (!position || comparePos(position, range.start) < 0 || comparePos(position, range.end) > 0) continue;
    hints.push({ position, label: spec.label, kind: InlayHintKind.Type, paddingLeft: spec.padLeft });
  }
  return hints;
}
