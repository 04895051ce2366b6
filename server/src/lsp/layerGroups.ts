// Turns the layers found at a place into instances: the line `self.layer1 = self._make_layer(…)`
// or `class Bottleneck` stands for many layers, and a person thinks of them per module instance
// (`layer1.0`, `layer1.1`, …), not per leaf. The instance path comes from the `self.NAME` the
// code assigns or calls, read from the syntax tree.

import type { LayerReport, ModelReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import type { LayerSite } from './reportIndex';
import { selfAttributeAssigned, selfAttributeCalled } from './syntaxIndex';
import { samePath } from './uris';

export interface LayerGroup {
  model: ModelReport;
  /** The module instance the sites belong to (`layer1.0`; '' for the model itself). */
  path: string;
  sites: LayerSite[];
}

/** The `self.NAME` a frame assigns (definitions) or calls (calls), or null. */
function selfNameAt(view: AnalysisView, kind: 'defined' | 'called', line: number, column: number): string | null {
  const cache = (view.result.derived.selfNames ??= new Map<string, string | null>()) as Map<string, string | null>;
  const key = `${kind}:${line}:${column}`;
  let name = cache.get(key);
  if (name === undefined) {
    name = findSelfName(view, kind, line, column);
    cache.set(key, name);
  }
  return name;
}

function findSelfName(view: AnalysisView, kind: 'defined' | 'called', line: number, column: number): string | null {
  const doc = view.snapshot();
  const offset = doc.offsetAt({ line: line - 1, character: column });
  const syntax = view.syntax();
  const stmt = syntax.statementAt(offset, view.result.text);
  if (kind === 'defined') return selfAttributeAssigned(stmt);
  const call = syntax.callStartingAt(offset);
  const direct = selfAttributeCalled(call);
  if (direct) return direct;
  if (stmt && (stmt.kind === 'Assign' || stmt.kind === 'Expr')) {
    return selfAttributeCalled(stmt.kind === 'Assign' ? stmt.value : stmt.expr);
  }
  return null;
}

/**
 * `site`: the instance the code at the site makes (`self.conv1 = conv3x3(…)` → `layer1.0.conv1`).
 * `owner`: the instance of the class whose code the site is in (→ `layer1.0`).
 */
export type GroupMode = 'site' | 'owner';

function instancePath(view: AnalysisView, site: LayerSite, mode: GroupMode): string {
  const layer = site.layer;
  if (layer.kind === 'function' && site.depth === 0) return layer.path;
  const segments = layer.path.split('.');
  const stack = layer[site.kind];
  const own = selfNameAt(view, site.kind, site.location.line, site.location.column);
  if (mode === 'owner') {
    const at = own ? segments.lastIndexOf(own) : -1;
    return at >= 0 ? segments.slice(0, at).join('.') : UNKNOWN_OWNER;
  }
  // A definition at depth 0 is the constructor call itself (an argument of `nn.Sequential(…)` is
  // its own instance even inside `self.main = …`); a call frame names what it calls.
  if (site.depth === 0 && site.kind === 'defined') return layer.path;
  if (own) {
    const at = segments.lastIndexOf(own);
    if (at >= 0) return segments.slice(0, at + 1).join('.');
  }
  const inner = stack[site.depth - 1];
  if (inner && samePath(inner.file, site.location.file)) {
    const name = selfNameAt(view, site.kind, inner.line, inner.column);
    if (name) {
      const at = segments.lastIndexOf(name);
      if (at >= 0) return segments.slice(0, at).join('.');
    }
  }
  return layer.path;
}

const UNKNOWN_OWNER = '\u0000';

/** A layer made in a class without `self.NAME = …` (a local list turned into a Sequential later)
 *  belongs to the deepest known instance whose path is a prefix of its own. */
function adoptOwner(path: string, known: readonly string[]): string {
  let best: string | null = null;
  for (const p of known) {
    if ((p === '' || path.startsWith(`${p}.`)) && (best === null || p.length > best.length)) best = p;
  }
  return best ?? path.split('.').slice(0, -1).join('.');
}

/** Groups sites by model and instance, in execution order. */
export function groupSites(view: AnalysisView, sites: readonly LayerSite[], mode: GroupMode = 'site'): LayerGroup[] {
  const paths = sites.map((site) => instancePath(view, site, mode));
  const knownByModel = new Map<string, string[]>();
  sites.forEach((site, i) => {
    if (paths[i] === UNKNOWN_OWNER) return;
    const list = knownByModel.get(site.model.name) ?? [];
    if (!list.includes(paths[i])) list.push(paths[i]);
    knownByModel.set(site.model.name, list);
  });
  const groups = new Map<string, LayerGroup>();
  for (const [i, site] of sites.entries()) {
    const path = paths[i] === UNKNOWN_OWNER ? adoptOwner(site.layer.path, knownByModel.get(site.model.name) ?? []) : paths[i];
    const key = `${site.model.name}\u0000${path}`;
    let group = groups.get(key);
    if (!group) {
      group = { model: site.model, path, sites: [] };
      groups.set(key, group);
    }
    group.sites.push(site);
  }
  return [...groups.values()];
}

export interface GroupSummary {
  layers: number;
  in: number[][];
  out: number[][];
  params: number;
  macs: number;
  last: LayerReport;
}

export function summarize(group: LayerGroup): GroupSummary {
  const layers = group.sites.map((s) => s.layer);
  return {
    layers: layers.length,
    in: layers[0].in,
    out: layers[layers.length - 1].out,
    params: layers.reduce((a, l) => a + l.params, 0),
    macs: layers.reduce((a, l) => a + l.macs, 0),
    last: layers[layers.length - 1],
  };
}

/** Everything a row of a layer says, for folding identical rows. */
export function layerSignature(layer: LayerReport): string {
  return JSON.stringify([layer.op, layer.args, layer.in, layer.out, layer.rfExact, layer.jumpExact, layer.params, layer.macs, layer.overlap ?? null]);
}
