// Inlay hints: the shape of each tensor assigned in forward, after the assignment target. One
// shape per hint, so a shared block's line never runs off the screen: the first run's, `(+N)`
// other shapes, the model named when several models run the line; every run in the tooltip.

import { InlayHintKind, MarkupKind, type InlayHint, type MarkupContent, type Range } from 'vscode-languageserver';
import type { AnalysisView } from './analysisView';
import { shapeText } from './format';
import { comparePos } from './positionMap';
import type { Span0 } from './reportIndex';

interface HintSpec {
  at: Span0['end'];
  label: string;
  /** After a target (`x: 1×64×56×56 = …`) or at the end of a statement. */
  padLeft: boolean;
  /** Every shape of every run, per model, when the label shows only the first. */
  tooltip?: string;
}

function computeHintSpecs(view: AnalysisView): HintSpec[] {
  const bySpan = new Map<string, { span: Span0; runs: Map<string, string[]> }>();
  for (const v of view.index().values) {
    const key = `${v.value.name}@${v.span.start.line}:${v.span.start.character}-${v.span.end.line}:${v.span.end.character}`;
    let entry = bySpan.get(key);
    if (!entry) {
      entry = { span: v.span, runs: new Map() };
      bySpan.set(key, entry);
    }
    const texts = entry.runs.get(v.model.name) ?? [];
    for (const s of v.value.shapes) texts.push(shapeText(s, v.model.symbolicBatch === true));
    entry.runs.set(v.model.name, texts);
  }
  const specs: HintSpec[] = [];
  for (const { span, runs } of bySpan.values()) {
    const severalModels = runs.size > 1;
    const [firstModel, firstRuns] = runs.entries().next().value ?? ['', []];
    if (!firstRuns.length) continue;
    const distinct = new Set<string>();
    for (const texts of runs.values()) for (const t of texts) distinct.add(t);
    const more = distinct.size - 1;
    const rest = view.lineText(span.end.line).slice(span.end.character).trimStart();
    const isTarget = /^(=|,|\)|:|\+=|-=|\*=)/.test(rest) && !rest.startsWith('==');
    const text = `${firstRuns[0]}${more ? ` (+${more})` : ''}${severalModels ? ` · ${firstModel}` : ''}`;
    const tooltip =
      more || runs.size > 1
        ? [...runs.entries()].map(([model, texts]) => `${severalModels ? `${model}: ` : ''}${texts.join(', ')}`).join('\n\n')
        : undefined;
    specs.push({ at: span.end, label: isTarget ? `: ${text}` : `→ ${text}`, padLeft: !isTarget, ...(tooltip ? { tooltip } : {}) });
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
    const tooltip: MarkupContent | undefined = spec.tooltip ? { kind: MarkupKind.Markdown, value: spec.tooltip } : undefined;
    hints.push({ position, label: spec.label, kind: InlayHintKind.Type, paddingLeft: spec.padLeft, ...(tooltip ? { tooltip } : {}) });
  }
  return hints;
}
