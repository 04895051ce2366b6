// Position lookups over a FileReport: which layers were made or called at a place in this file,
// and which tensor values were assigned there. Positions here are LSP-style (0-based line,
// UTF-16 character) in the coordinates of the analysed text.

import type { FileReport, LayerReport, ModelReport, SourceLocation, ValueReport } from '../engine/report';
import type { Pos } from './positionMap';
import { comparePos } from './positionMap';
import { samePath } from './uris';

export interface Span0 {
  start: Pos;
  end: Pos;
}

/** One frame of a layer's `defined` or `called` stack that lies in this file. */
export interface LayerSite {
  model: ModelReport;
  layer: LayerReport;
  /** Index of the layer in `model.layers` (execution order). */
  order: number;
  kind: 'defined' | 'called';
  /** Position in the stack: 0 is the innermost frame (the constructor or the call itself). */
  depth: number;
  location: SourceLocation;
  span: Span0;
}

export interface ValueSite {
  model: ModelReport;
  value: ValueReport;
  span: Span0;
}

export function spanOf(loc: SourceLocation): Span0 {
  return {
    start: { line: loc.line - 1, character: loc.column },
    end: { line: loc.endLine - 1, character: loc.endColumn },
  };
}

export function spanContains(span: Span0, p: Pos): boolean {
  return comparePos(span.start, p) <= 0 && comparePos(p, span.end) <= 0;
}

export function spanWithin(inner: Span0, outer: Span0): boolean {
  return comparePos(outer.start, inner.start) <= 0 && comparePos(inner.end, outer.end) <= 0;
}

function spanKey(s: Span0): string {
  return `${s.start.line}:${s.start.character}-${s.end.line}:${s.end.character}`;
}

/** Smaller spans first: fewer lines, then fewer characters. */
function compareSize(a: Span0, b: Span0): number {
  const lines = a.end.line - a.start.line - (b.end.line - b.start.line);
  if (lines !== 0) return lines;
  return a.end.character - a.start.character - (b.end.character - b.start.character);
}

export class ReportIndex {
  readonly sites: LayerSite[] = [];
  readonly values: ValueSite[] = [];

  constructor(readonly report: FileReport, readonly file: string) {
    const here = new Map<string, boolean>();
    const inThisFile = (f: string): boolean => {
      let known = here.get(f);
      if (known === undefined) {
        known = samePath(f, file) || samePath(f, report.file);
        here.set(f, known);
      }
      return known;
    };
    for (const model of report.models) {
      model.layers.forEach((layer, order) => {
        for (const kind of ['defined', 'called'] as const) {
          layer[kind].forEach((location, depth) => {
            if (inThisFile(location.file)) this.sites.push({ model, layer, order, kind, depth, location, span: spanOf(location) });
          });
        }
      });
      for (const value of model.values) {
        if (inThisFile(value.location.file)) this.values.push({ model, value, span: spanOf(value.location) });
      }
    }
  }

  /**
   * The sites of the smallest location that contains `p`: every layer made (or called) through
   * exactly that piece of code. Empty when no location contains it.
   */
  sitesAt(p: Pos): LayerSite[] {
    let best: Span0 | null = null;
    for (const site of this.sites) {
      if (spanContains(site.span, p) && (!best || compareSize(site.span, best) < 0)) best = site.span;
    }
    if (!best) return [];
    const key = spanKey(best);
    return dedupe(this.sites.filter((s) => spanKey(s.span) === key));
  }

  /** For each layer, its innermost site inside `range` (code inside a statement, class or function). */
  sitesWithin(range: Span0): LayerSite[] {
    const chosen = new Map<string, LayerSite>();
    for (const site of this.sites) {
      if (!spanWithin(site.span, range)) continue;
      const key = layerKey(site);
      const prev = chosen.get(key);
      // A definition beats a call (the code that made the layer), then the outermost frame in
      // range: it says which instance of the enclosing code the layer belongs to.
      if (!prev || rank(site) < rank(prev)) chosen.set(key, site);
    }
    return [...chosen.values()].sort(byExecution);
  }

  valuesAt(p: Pos): ValueSite[] {
    return this.values.filter((v) => spanContains(v.span, p));
  }

  /** Values named `name` assigned on a line in [fromLine, toLine], the latest line first. */
  valuesNamed(name: string, fromLine: number, toLine: number): ValueSite[] {
    const hits = this.values.filter((v) => v.value.name === name && v.span.start.line >= fromLine && v.span.start.line <= toLine);
    const lastLine = Math.max(-1, ...hits.map((v) => v.span.start.line));
    return hits.filter((v) => v.span.start.line === lastLine);
  }
}

function rank(site: LayerSite): number {
  return (site.kind === 'defined' ? 0 : 1000) - site.depth;
}

function layerKey(site: LayerSite): string {
  return `${site.model.name}\u0000${site.order}`;
}

function byExecution(a: LayerSite, b: LayerSite): number {
  return a.model === b.model ? a.order - b.order : 0;
}

function dedupe(sites: LayerSite[]): LayerSite[] {
  const seen = new Set<string>();
  const out: LayerSite[] = [];
  for (const s of sites) {
    const key = layerKey(s);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(s);
  }
  return out.sort(byExecution);
}
