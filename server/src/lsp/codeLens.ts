// Code lenses: one line of numbers above every place a layer is made, a model summary above each
// model class, and a warning above a transposed convolution that overlaps unevenly. Computed once
// per report in its own coordinates, then moved to the text on screen.

import type { CodeLens, Command } from 'vscode-languageserver';
import type { LayerReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import { NOT_CALLED } from '../format/layerCells';
import { humanCount, isUneven, jumpLensText, macsText, overlapRatio, rfLensText, shapeWithoutBatch, shapesText } from './format';
import { groupSites, layerSignature, summarize, type GroupSummary, type LayerGroup } from './layerGroups';
import { spanOf, type LayerSite, type Span0 } from './reportIndex';
import { selfAttributeAssigned } from './syntaxIndex';
import { samePath } from './uris';
import { offersPreview } from './upsamplingPath';
import type { ChooseModelArgs } from './protocol';

export interface LensCommands {
  /** Client command for the model lens (set the input shape); a plain label without one. */
  setInputShape?: string;
  /** Client command that opens the preview of a layer; without one the warning has no link. */
  preview?: string;
  /** Client command behind `▶ Analyse Class(…)` (asks for the constructor's arguments). */
  chooseModel?: string;
}

interface LensSpec {
  span: Span0;
  title: string;
  command?: string;
  args?: unknown[];
}

function layerTitle(layers: LayerReport[]): string {
  const distinct = new Map<string, LayerReport>();
  for (const l of layers) distinct.set(layerSignature(l), l);
  const unique = [...distinct.values()];
  const first = unique[0];
  const outText = (l: LayerReport) => (l.out.length ? l.out.map(shapeWithoutBatch).join(', ') : '?');
  if (layers.every((l) => l.notCalled)) {
    const params = layers.reduce((a, l) => a + l.params, 0);
    return [layers.length > 1 ? `×${layers.length} ${NOT_CALLED}` : NOT_CALLED, ...(params ? [`${humanCount(params)} params`] : [])].join(' · ');
  }
  if (unique.length === 1) {
    const parts = [`→ ${outText(first)}`];
    if (first.rf.length) parts.push(`rf ${rfLensText(first)}`, `jump ${jumpLensText(first)}`);
    if (first.params) parts.push(`${humanCount(first.params)} params`);
    return parts.join(' · ');
  }
  const ordered = layers;
  const last = ordered[ordered.length - 1];
  const range = (a: string, b: string) => (a === b ? a : `${a} … ${b}`);
  // ×N counts instances of one layer (a loop, a helper called N times); a call that made layers of
  // several kinds (a library's builder) says how many layers instead.
  const sameOp = ordered.every((l) => l.op === ordered[0].op);
  const parts = [sameOp ? `×${ordered.length}` : `${ordered.length} layers`, `→ ${range(outText(ordered[0]), outText(last))}`];
  if (ordered[0].rf.length && last.rf.length) {
    parts.push(`rf ${range(rfLensText(ordered[0]), rfLensText(last))}`, `jump ${range(jumpLensText(ordered[0]), jumpLensText(last))}`);
  }
  const params = ordered.reduce((a, l) => a + l.params, 0);
  if (params) parts.push(`${humanCount(params)} params`);
  return parts.join(' · ');
}

/** `self.NAME = …` at `offset`, in a method: the code names the instance it makes. */
function assignsSelfAttribute(view: AnalysisView, offset: number): boolean {
  const syntax = view.syntax();
  return syntax.inClassMethod(offset) && selfAttributeAssigned(syntax.statementAt(offset, view.result.text)) !== null;
}

/** A frame in a method past a layer's own code that builds a whole block: `self.NAME = …`, or a
 *  class called (`ResnetBlock(…)`); not a helper's inner `block(…)` or a list being filled. */
function blockSite(view: AnalysisView, offset: number): boolean {
  if (!view.syntax().inClassMethod(offset)) return false;
  if (assignsSelfAttribute(view, offset)) return true;
  const name = calleeName(view, offset);
  return name !== null && /^[A-Z]/.test(name);
}

/**
 * The instances the code at a place makes. A block built without `self.NAME =` (`model +=
 * [ResnetBlock(…)]`) does not name its instance: its layers are grouped by the instance the code one
 * frame in belongs to (the block's own `__init__`), as a hover over that class groups them.
 */
function instancesAt(view: AnalysisView, sites: LayerSite[], block: boolean): LayerGroup[] {
  const groups = groupSites(view, sites, 'site');
  if (!block || groups.some((g) => g.sites.length > 1 || g.path !== g.sites[0]!.layer.path)) return groups;
  const inner: LayerSite[] = [];
  for (const site of sites) {
    const loc = site.layer.defined[site.depth - 1];
    if (!loc || !samePath(loc.file, view.result.path)) return groups;
    inner.push({ ...site, depth: site.depth - 1, location: loc, span: spanOf(loc) });
  }
  return groupSites(view, inner, 'owner');
}

/** `Down` of `Down(64, 128)`, `_make_layer` of `self._make_layer(…)`. */
function calleeName(view: AnalysisView, offset: number): string | null {
  const call = view.syntax().callStartingAt(offset);
  if (!call) return null;
  const f = call.func;
  return f.kind === 'Name' ? f.id : f.kind === 'Attribute' ? f.attr : null;
}

/**
 * The instances a block's call site makes, aggregated: `Down: 64→128 · → 128×112×112 · rf 14 ·
 * jump 2 · 222K params`; several (a class called in a loop): `×9 ResnetBlock · …`, first … last.
 * ×N counts instances, as on a leaf layer's line.
 */
function blockTitle(groups: LayerGroup[], callee: string | null): string {
  const all = groups.flatMap((g) => g.sites.map((s) => s.layer));
  const params = all.reduce((a, l) => a + l.params, 0);
  const label = callee && /^[A-Z]/.test(callee) ? callee : (groups[0]!.path.split('.').pop() || callee || 'block');
  if (all.every((l) => l.notCalled)) {
    return [`${groups.length > 1 ? `×${groups.length} ` : ''}${label}: ${NOT_CALLED}`, ...(params ? [`${humanCount(params)} params`] : [])].join(' · ');
  }
  const summaries = groups.map((g) => ({ ...g, sites: g.sites.filter((s) => !s.layer.notCalled) })).filter((g) => g.sites.length).map(summarize);
  const first = summaries[0]!;
  const last = summaries[summaries.length - 1]!;
  const channels = (s: GroupSummary) => (s.in[0] && s.out[0] && s.in[0].length >= 2 && s.out[0].length >= 2 ? `${s.in[0][1]}→${s.out[0][1]}` : null);
  const outText = (s: GroupSummary) => (s.out.length ? s.out.map(shapeWithoutBatch).join(', ') : '?');
  const range = (a: string, b: string) => (a === b ? a : `${a} … ${b}`);
  const head = groups.length > 1 ? `×${groups.length} ${label}` : `${label}${channels(first) ? `: ${channels(first)}` : ''}`;
  const parts = [head, `→ ${range(outText(first), outText(last))}`];
  if (first.last.rf.length && last.last.rf.length) {
    parts.push(`rf ${range(rfLensText(first.last), rfLensText(last.last))}`, `jump ${range(jumpLensText(first.last), jumpLensText(last.last))}`);
  }
  if (params) parts.push(`${humanCount(params)} params`);
  return parts.join(' · ');
}

function computeLensSpecs(view: AnalysisView, commands: LensCommands): LensSpec[] {
  const specs: LensSpec[] = [];
  const report = view.report;
  const path = view.result.path;
  const doc = view.snapshot();
  const syntax = view.syntax();

  // Model summaries: one per model, on its class line.
  const modelsByLine = new Map<number, number>();
  for (const m of report.models) if (m.classLocation) modelsByLine.set(m.classLocation.line, (modelsByLine.get(m.classLocation.line) ?? 0) + 1);
  for (const model of report.models) {
    const loc = model.classLocation;
    if (!loc || !samePath(loc.file, path)) continue;
    const shared = (modelsByLine.get(loc.line) ?? 0) > 1;
    const title =
      `${shared ? `${model.name}: ` : ''}${humanCount(model.params)} params · ${macsText(model.macs)} · ` +
      `${shapesText(model.inputs, model.symbolicBatch)} → ${shapesText(model.outputs, model.symbolicBatch)}${model.incomplete ? ' · incomplete' : ''}`;
    const span = spanOf(loc);
    specs.push({
      span: { start: span.start, end: span.start },
      title,
      command: commands.setInputShape,
      args: [{ uri: view.result.uri, line: span.start.line, shape: model.inputs.map((s) => s.join(',')).join(';'), model: model.name }],
    });
  }

  // Classes that need constructor arguments and were not analysed: the way to choose them.
  for (const c of report.modelCandidates ?? []) {
    if (!c.location || !samePath(c.location.file, path)) continue;
    const span = spanOf(c.location);
    const args: ChooseModelArgs = {
      uri: view.result.uri, line: span.start.line, className: c.className, signature: c.signature,
      directive: c.directive.replace(/^#\s*convlens:\s*model=/, ''),
      calls: c.calls.map((call) => ({ expression: call.expression, file: call.file, line: call.line, literal: call.literal, ...(call.insideClass ? { insideClass: call.insideClass } : {}) })),
    };
    specs.push({ span: { start: span.start, end: span.start }, title: `▶ Analyse ${c.className}(…)`, command: commands.chooseModel, args: [args] });
  }

  // Layer lenses: at the constructor call and at every call site up to the first one inside a
  // class method (`nn.Conv2d(…)` in conv3x3, then `self.conv1 = conv3x3(…)`); past it, the places
  // in methods that make a whole block: `self.down1 = Down(64, 128)`, `self.layer1 =
  // self._make_layer(…)`, `model += [ResnetBlock(…)]` (a class called), each an instance.
  const byLocation = new Map<string, { span: Span0; sites: LayerSite[] }>();
  const inMethod = new Map<number, boolean>();
  const makesBlock = new Map<string, boolean>();
  const blockSites = new Set<string>();
  for (const model of report.models) {
    model.layers.forEach((layer, order) => {
      if (layer.kind !== 'module') return;
      let stopped = false;
      layer.defined.forEach((loc, depth) => {
        if (!samePath(loc.file, path)) return;
        const span = spanOf(loc);
        const key = `${span.start.line}:${span.start.character}-${span.end.line}:${span.end.character}`;
        if (stopped) {
          let block = makesBlock.get(key);
          if (block === undefined) {
            block = blockSite(view, doc.offsetAt(span.start));
            makesBlock.set(key, block);
          }
          if (!block) return;
          blockSites.add(key);
        }
        let entry = byLocation.get(key);
        if (!entry) {
          entry = { span, sites: [] };
          byLocation.set(key, entry);
        }
        if (!entry.sites.some((s) => s.layer === layer)) entry.sites.push({ model, layer, order, kind: 'defined', depth, location: loc, span });
        let stop = inMethod.get(span.start.line);
        if (stop === undefined) {
          stop = syntax.inClassMethod(doc.offsetAt(span.start));
          inMethod.set(span.start.line, stop);
        }
        if (stop) stopped = true;
      });
    });
  }
  for (const { span, sites } of byLocation.values()) {
    const at = { start: span.start, end: span.start };
    const layers = sites.map((site) => site.layer);
    // The warning first: a narrow editor cuts the end of a long line of lenses, never the ⚠.
    const uneven = layers.find((l) => isUneven(l.overlap));
    if (uneven && uneven.overlap) {
      const preview = offersPreview(uneven) ? commands.preview : undefined;
      specs.push({
        span: at,
        title: `⚠ uneven overlap, ${overlapRatio(uneven.overlap)} — checkerboard${preview ? ' · preview' : ''}`,
        command: preview,
        args: preview ? [{ uri: view.result.uri, path: uneven.path }] : undefined,
      });
    }
    const key = `${span.start.line}:${span.start.character}-${span.end.line}:${span.end.character}`;
    const groups = instancesAt(view, sites, blockSites.has(key));
    // An aggregated block lens where the code makes named instances: a block site, or `self.NAME =
    // …` in a method. A local `resnet = models.resnet50(…)` whose layers end up elsewhere keeps
    // the per-layer lens (its instance paths are not where the layers live).
    const namesInstances = blockSites.has(key) || assignsSelfAttribute(view, doc.offsetAt(span.start));
    const composite = namesInstances && groups.some((g) => g.sites.length > 1 || g.path !== g.sites[0]!.layer.path);
    specs.push({ span: at, title: composite ? blockTitle(groups, calleeName(view, doc.offsetAt(span.start))) : layerTitle(layers) });
  }
  return specs.sort((a, b) => a.span.start.line - b.span.start.line || a.span.start.character - b.span.start.character);
}

export function computeCodeLenses(view: AnalysisView, commands: LensCommands): CodeLens[] {
  const d = view.result.derived;
  const key = `lenses:${commands.setInputShape ?? ''}:${commands.preview ?? ''}:${commands.chooseModel ?? ''}`;
  if (!Array.isArray(d[key])) d[key] = computeLensSpecs(view, commands);
  const specs = d[key] as LensSpec[];
  const lenses: CodeLens[] = [];
  for (const spec of specs) {
    const range = view.rangeToScreen(spec.span);
    if (!range) continue;
    const command: Command = { title: spec.title, command: spec.command ?? '' };
    if (spec.args) command.arguments = spec.args;
    // The model lens names the class line: where it is on screen now, not where it was analysed.
    if (spec.command && (spec.command === commands.setInputShape || spec.command === commands.chooseModel) && spec.args) {
      command.arguments = spec.args.map((a) => (typeof a === 'object' && a !== null ? { ...a, line: range.start.line } : a));
    }
    lenses.push({ range, command });
  }
  return lenses;
}
