// Hover: what the code under the cursor does to the tensor. A layer's definition or call shows
// that layer; a helper, block class or container line shows every layer made through it, per
// instance, as a table; a tensor variable in forward shows its shape at that line.

import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { LayerReport, LibraryInfo, ModelReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import {
  countText,
  distinctShapes,
  flowText,
  formatAxes,
  humanCount,
  isUneven,
  jumpText,
  overlapRatio,
  rfText,
  shapeText,
  shapesText,
} from './format';
import { NOT_CALLED } from '../format/layerCells';
import { groupSites, layerSignature, summarize, type GroupMode, type LayerGroup } from './layerGroups';
import type { Pos } from './positionMap';
import { spanContains, spanOf, type LayerSite, type Span0, type ValueSite } from './reportIndex';
import { selfAttributeCalled } from './syntaxIndex';
import { offersPreview } from './upsamplingPath';
import { isInsideFolder, samePath } from './uris';
import { signatureParameters } from './modelChoice';

export interface HoverOptions {
  /** A client command that opens the preview for a layer; no link without one. */
  previewCommand?: string;
  uri: string;
  /** The same model from a report with nothing deferred (its valid input sizes), when the
   *  keystroke's report deferred them: the model's hover shows them. */
  completeModel?: (model: ModelReport) => ModelReport | null;
}

const MAX_ROWS = 12;

/** The identifier at `offset`, and whether it follows a dot (an attribute, not a variable). */
function identifierAt(text: string, offset: number): { word: string; attribute: boolean } | null {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let start = offset;
  let end = offset;
  while (start > 0 && isWord(text[start - 1])) start--;
  while (end < text.length && isWord(text[end])) end++;
  if (start === end || /[0-9]/.test(text[start])) return null;
  return { word: text.slice(start, end), attribute: text[start - 1] === '.' };
}

/** What the code at a position stands for: sites grouped per instance, or a whole model. */
export type HoverTarget =
  | { kind: 'sites'; sites: LayerSite[]; mode: GroupMode }
  | { kind: 'groups'; groups: LayerGroup[] }
  | { kind: 'model'; model: ModelReport };

export function findLayerSites(view: AnalysisView, p: Pos): LayerSite[] {
  const target = findTarget(view, p);
  if (!target) return [];
  if (target.kind === 'sites') return target.sites;
  if (target.kind === 'groups') return target.groups.flatMap((g) => g.sites);
  return [];
}

export function findTarget(view: AnalysisView, p: Pos, wholeStatement = true): HoverTarget | null {
  const index = view.index();
  const direct = index.sitesAt(p);
  if (direct.length) return { kind: 'sites', sites: direct, mode: 'site' };
  const doc = view.snapshot();
  const offset = doc.offsetAt(p);
  const syntax = view.syntax();
  const def = syntax.definitionNamedAt(offset);
  if (def) {
    if (def.kind === 'ClassDef') {
      const line = doc.positionAt(def.from).line;
      const model = view.report.models.find((m) => m.className === def.name && m.classLocation && m.classLocation.line - 1 <= line + def.decorators.length && m.classLocation.endLine - 1 >= line);
      if (model) return { kind: 'model', model };
    }
    const sites = index.sitesWithin(spanOfOffsets(view, def.from, def.to));
    return sites.length ? { kind: 'sites', sites, mode: def.kind === 'ClassDef' ? 'owner' : 'site' } : null;
  }
  const viaSelf = selfCallTarget(view, offset);
  if (viaSelf) return viaSelf;
  const stmt = wholeStatement ? syntax.statementAt(offset, view.result.text) : null;
  if (stmt) {
    const sites = index.sitesWithin(spanOfOffsets(view, stmt.from, stmt.to));
    if (sites.length) return { kind: 'sites', sites, mode: 'site' };
  }
  return null;
}

/**
 * `self.NAME(…)` in a method of class C, when the report does not say where the call happened:
 * the module `NAME` of every instance of C (found from the layers C's own code made).
 */
function selfCallTarget(view: AnalysisView, offset: number): HoverTarget | null {
  const syntax = view.syntax();
  const call = syntax.callsContaining(offset, offset).find((c) => selfAttributeCalled(c) !== null);
  const name = call ? selfAttributeCalled(call) : null;
  const scope = syntax.scopeAt(offset);
  const cls = scope ? (scope.node.kind === 'ClassDef' ? scope.node : scope.owner) : null;
  if (!name || !cls) return null;
  const owners = new Map<ModelReport, Set<string>>();
  for (const m of view.report.models) if (m.className === cls.name) owners.set(m, new Set(['']));
  const inClass = view.index().sitesWithin(spanOfOffsets(view, cls.from, cls.to));
  for (const g of groupSites(view, inClass, 'owner')) {
    const set = owners.get(g.model) ?? new Set<string>();
    set.add(g.path);
    owners.set(g.model, set);
  }
  const groups: LayerGroup[] = [];
  for (const [model, prefixes] of owners) {
    for (const prefix of prefixes) {
      const path = prefix ? `${prefix}.${name}` : name;
      const layers = model.layers
        .map((layer, order) => ({ layer, order }))
        .filter(({ layer }) => layer.kind === 'module' && (layer.path === path || layer.path.startsWith(`${path}.`)));
      if (!layers.length) continue;
      groups.push({
        model,
        path,
        sites: layers.map(({ layer, order }) => ({ model, layer, order, kind: 'called', depth: 0, location: layer.defined[0] ?? NO_LOCATION, span: spanOf(layer.defined[0] ?? NO_LOCATION) })),
      });
    }
  }
  return groups.length ? { kind: 'groups', groups } : null;
}

function spanOfOffsets(view: AnalysisView, from: number, to: number): Span0 {
  const doc = view.snapshot();
  return { start: doc.positionAt(from), end: doc.positionAt(to) };
}

function findValues(view: AnalysisView, p: Pos): ValueSite[] {
  const text = view.result.text;
  const offset = view.snapshot().offsetAt(p);
  const id = identifierAt(text, offset);
  if (!id || id.attribute || id.word === 'self') return [];
  const index = view.index();
  const here = index.valuesAt(p).filter((v) => v.value.name === id.word);
  if (here.length) return here;
  // A use of the variable: its shape from the latest assignment above, in the same function.
  const scope = view.syntax().scopeAt(offset);
  if (!scope || scope.node.kind !== 'FunctionDef') return [];
  const fromLine = view.snapshot().positionAt(scope.node.from).line;
  return index.valuesNamed(id.word, fromLine, p.line);
}

export function computeHover(view: AnalysisView, screen: Pos, options: HoverOptions): Hover | null {
  const p = view.toAnalysed(screen);
  if (!p) return null;
  const sections: string[] = [];
  const values = findValues(view, p);
  if (values.length) sections.push(valueSection(values));
  // On a variable, the statement around it is not what the cursor means.
  const target = findTarget(view, p, values.length === 0);
  if (target?.kind === 'model') sections.push(modelSection((target.model.validSizesDeferred && options.completeModel?.(target.model)) || target.model));
  else if (target?.kind === 'sites') sections.push(groupsSection(groupSites(view, target.sites, target.mode), options));
  else if (target?.kind === 'groups') sections.push(groupsSection(target.groups, options));
  if (!target) {
    const candidate = candidateSection(view, p);
    if (candidate) sections.push(candidate);
  }
  if (!sections.length) return null;
  const libraries = target ? librarySection(view, targetLayers(target)) : '';
  if (libraries) sections[sections.length - 1] += `\n\n${libraries}`;
  const contents: MarkupContent = { kind: 'markdown', value: sections.join('\n\n---\n\n') };
  // The piece of code the hover is about, when it is one place under the cursor: the call that made
  // or called the layers (the innermost), else the variable assigned there. The editor highlights it.
  const direct = view.index().sitesAt(p);
  const at = direct.length ? direct[0]!.span : values.length === 1 && spanContains(values[0]!.span, p) ? values[0]!.span : null;
  const range = at ? view.rangeToScreen(at) : null;
  return range ? { contents, range } : { contents };
}

/** On the name of a class that needs constructor arguments and was not analysed: why, and how to choose. */
function candidateSection(view: AnalysisView, p: Pos): string | null {
  const offset = view.snapshot().offsetAt(p);
  const def = view.syntax().definitionNamedAt(offset);
  if (!def || def.kind !== 'ClassDef') return null;
  const line = view.snapshot().positionAt(def.from).line + 1;
  const candidate = (view.report.modelCandidates ?? []).find(
    (c) => c.className === def.name && c.location && samePath(c.location.file, view.result.path) && c.location.line <= line + def.decorators.length && c.location.endLine >= line,
  );
  if (!candidate) return null;
  const required = signatureParameters(candidate.signature)?.parameters.filter((q) => q.default === null).map((q) => `\`${q.name}\``) ?? [];
  const literal = candidate.calls.find((c) => c.literal && !c.insideClass);
  const why = literal
    ? `the project builds it with constant arguments (\`${literal.expression}\`, ${basename(literal.file)}:${literal.line}), but it has no first layer (convolution, linear, batch norm) to guess its input shape from: choose it, then give the input with \`# convlens: input=(…)\``
    : `its constructor needs ${required.length ? `arguments (${required.join(', ')})` : 'arguments'}, and no call of the project gives them as constants`;
  const lines = [
    `**${candidate.className}** is not analysed: ${why}.`,
    '',
    `\`${candidate.signature}\``,
  ];
  const calls = candidate.calls.filter((c) => !c.insideClass);
  if (calls.length) {
    lines.push('', 'Calls found in the project:', '');
    const seen = new Set<string>();
    for (const c of calls) {
      const key = `${c.expression}\u0000${c.line}\u0000${basename(c.file)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`- \`${c.expression}\` — ${basename(c.file)}:${c.line}${c.literal ? '' : ' (arguments not constant)'}`);
    }
  }
  lines.push('', `Choose its arguments with the *▶ Analyse ${candidate.className}(…)* lens, or write \`${candidate.directive}\` above the class.`);
  return lines.join('\n');
}

function basename(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

function targetLayers(target: HoverTarget): LayerReport[] {
  if (target.kind === 'model') return target.model.layers;
  if (target.kind === 'sites') return target.sites.map((s) => s.layer);
  return target.groups.flatMap((g) => g.sites.map((s) => s.layer));
}

/** The installed libraries whose code made these layers (a `defined` location inside the library's
 *  folder): `from torchvision 0.14.1a0 · /usr/lib/python3/dist-packages/torchvision`. */
function librarySection(view: AnalysisView, layers: readonly LayerReport[]): string {
  const libraries = view.report.libraries ?? [];
  if (!libraries.length) return '';
  const used = new Set<LibraryInfo>();
  for (const layer of layers) {
    for (const loc of layer.defined) {
      const lib = libraries.find((l) => isInsideFolder(loc.file, l.path));
      if (lib) used.add(lib);
    }
    if (used.size === libraries.length) break;
  }
  return [...used]
    .map((l) => `from **${l.name}${l.version ? ` ${l.version}` : ''}** · \`${l.path}\``)
    .join('  \n');
}

function valueSection(values: ValueSite[]): string {
  const name = values[0].value.name;
  const shapes = values.flatMap((v) => v.value.shapes);
  const models = [...new Set(values.map((v) => v.model.name))];
  const where = models.length > 1 ? ` (in ${models.map((m) => `\`${m}\``).join(', ')})` : '';
  const distinct = distinctShapes(shapes, 8, values[0].model.symbolicBatch);
  const runs = shapes.length > 1 ? ` — ${shapes.length} runs` : '';
  return `\`${name}\`: \`${distinct.split(' | ').join('`, `')}\`${runs}${where}`;
}

function modelSection(model: ModelReport): string {
  const layers = model.layers.map((layer, order) => ({ model, layer, order, kind: 'defined' as const, depth: 0, location: layer.defined[0] ?? NO_LOCATION, span: spanOf(layer.defined[0] ?? NO_LOCATION) }));
  const header =
    `**${model.name}** — ${countText(model.params)} params · ${countText(model.macs)} MACs · ` +
    `\`${shapesText(model.inputs, model.symbolicBatch)}\` → \`${shapesText(model.outputs, model.symbolicBatch)}\`` +
    `\n\ninput ${INPUT_SOURCE[model.inputSource]}${model.inputReason ? ` (${model.inputReason})` : ''}` +
    `${model.incomplete ? ' · forward not followed to the end (see the problems)' : ''}` +
    `${model.validInputSizes ? `\n\nvalid input sizes: ${model.validInputSizes.summary}` : ''}`;
  return `${header}\n\n${instanceTableRows({ model, path: '', sites: layers })}`;
}

const INPUT_SOURCE: Record<ModelReport['inputSource'], string> = {
  argument: 'given',
  directive: 'from the `# convlens: input=` comment',
  main: 'from the `__main__` block',
  inferred: 'guessed from the first layer (set it with a `# convlens: input=(…)` comment)',
  code: 'as the code declares it',
};

const NO_LOCATION = { file: '', line: 1, column: 0, endLine: 1, endColumn: 0 };

function groupsSection(groups: LayerGroup[], options: HoverOptions): string {
  const singleLayers = groups.every((g) => g.sites.length === 1 && g.path === g.sites[0].layer.path);
  if (singleLayers) {
    const layers = groups.map((g) => g.sites[0].layer);
    const same = layers.every((l) => layerSignature(l) === layerSignature(layers[0]) && l.path === layers[0].path);
    if (same) {
      const models = [...new Set(groups.map((g) => g.model.name))];
      return layerDetail(layers[0], groups[0].model, models, options);
    }
    return layerTable(groups.map((g) => ({ model: g.model, layer: g.sites[0].layer })), groups);
  }
  if (groups.length === 1) return instanceDetail(groups[0]);
  return instanceTable(groups);
}

function argumentsLine(layer: LayerReport): string {
  return layer.args ? `\`${layer.op}(${layer.args})\`` : `\`${layer.op}\``;
}

function layerDetail(layer: LayerReport, model: ModelReport, models: string[], options: HoverOptions): string {
  const title = `**${layer.op}** \`${layer.path}\` — ${models.map((m) => `\`${m}\``).join(', ')}`;
  const rows: [string, string][] = [['shape', flowText(layer, model.symbolicBatch, true)]];
  if (layer.kernel) {
    rows.push([
      'kernel · stride · padding · dilation',
      [layer.kernel, layer.stride, layer.padding, layer.dilation].map((v) => formatAxes(v) || '–').join(' · '),
    ]);
  }
  if (layer.rf.length) {
    rows.push(['receptive field', rfText(layer)]);
    rows.push(['jump', jumpText(layer)]);
  }
  rows.push(['params', countText(layer.params)]);
  rows.push(['MACs', countText(layer.macs)]);
  if (layer.overlap && layer.overlap.length) {
    const pattern = layer.overlap.map((taps) => `[${taps.join(', ')}]`).join(' × ');
    rows.push([
      'overlap',
      isUneven(layer.overlap)
        ? `⚠ uneven, ${overlapRatio(layer.overlap)}: taps per output position ${pattern} — checkerboard`
        : `even: ${pattern} taps per output position`,
    ]);
  }
  const lines = [title, '', argumentsLine(layer), '', '| | |', '|:--|:--|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  if (options.previewCommand && offersPreview(layer)) {
    const args = encodeURIComponent(JSON.stringify([{ uri: options.uri, path: layer.path, model: model.name }]));
    lines.push('', `[Preview the up-sampling](command:${options.previewCommand}?${args})`);
  }
  return lines.join('\n');
}

interface Row {
  label: string;
  cells: string[];
}

/** Consecutive rows that say the same thing fold into one: `layer1.1.conv2 … layer1.2.conv2 (×2)`. */
function foldRows(rows: Row[]): Row[] {
  const folded: { first: string; last: string; count: number; cells: string[] }[] = [];
  for (const r of rows) {
    const prev = folded[folded.length - 1];
    if (prev && prev.cells.join('\u0000') === r.cells.join('\u0000')) {
      prev.last = r.label;
      prev.count++;
    } else {
      folded.push({ first: r.label, last: r.label, count: 1, cells: r.cells });
    }
  }
  return folded.map((f) => ({ label: f.count === 1 ? f.first : `${f.first} … ${f.last} (×${f.count})`, cells: f.cells }));
}

const NUMERIC_COLUMNS = new Set(['rf', 'jump', 'params', 'MACs', 'layers']);

function renderTable(headers: string[], rows: Row[], total: string): string {
  const folded = foldRows(rows);
  const shown = folded.slice(0, MAX_ROWS);
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map((h) => (NUMERIC_COLUMNS.has(h) ? '--:' : ':--')).join('|')}|`];
  for (const r of shown) lines.push(`| ${[r.label, ...r.cells].join(' | ')} |`);
  const more = folded.length - shown.length;
  if (more > 0) lines.push('', `… ${more} more row${more === 1 ? '' : 's'} (the full list: *ConvLens: Show Layer Table*)`);
  lines.push('', total);
  return lines.join('\n');
}

function modelPrefix(groups: LayerGroup[]): (model: ModelReport) => string {
  const several = new Set(groups.map((g) => g.model.name)).size > 1;
  return (model) => (several ? `${model.name} ` : '');
}

function layerTable(rows: { model: ModelReport; layer: LayerReport }[], groups: LayerGroup[]): string {
  const prefix = modelPrefix(groups);
  const ops = [...new Set(rows.map((r) => r.layer.op))];
  const title = `**${ops.join(', ')}** — ${rows.length} layers`;
  const table = renderTable(
    ['layer', 'args', 'in → out', 'rf', 'jump', 'params', 'MACs'],
    rows.map(({ model, layer }) => ({
      label: `\`${prefix(model)}${layer.path}\``,
      cells: [layer.args, flowText(layer, model.symbolicBatch), rfText(layer), jumpText(layer), humanCount(layer.params), humanCount(layer.macs)],
    })),
    totals(rows.map((r) => r.layer)),
  );
  return `${title}\n\n${table}`;
}

function instanceDetail(group: LayerGroup): string {
  const s = summarize(group);
  const name = group.path === '' ? `\`${group.model.name}\`` : `\`${group.path}\``;
  const n = group.model.symbolicBatch;
  const flow = group.sites.every((site) => site.layer.notCalled) ? NOT_CALLED : `\`${shapesText(s.in, n)}\` → \`${shapesText(s.out, n)}\``;
  const title = `${name} — ${s.layers} layers · ${flow} · ${humanCount(s.params)} params · ${humanCount(s.macs)} MACs`;
  const geometry = s.last.rf.length ? `\n\nat the output: rf ${rfText(s.last)} · jump ${jumpText(s.last)}` : '';
  return `${title}${geometry}\n\n${instanceTableRows(group)}`.trimEnd();
}

function instanceTableRows(group: LayerGroup): string {
  return renderTable(
    ['layer', 'op', 'out', 'rf', 'jump', 'params', 'MACs'],
    group.sites.map(({ layer }) => ({
      label: `\`${layer.path}\``,
      cells: [layer.op, layer.notCalled ? NOT_CALLED : shapesText(layer.out, group.model.symbolicBatch), rfText(layer), jumpText(layer), humanCount(layer.params), humanCount(layer.macs)],
    })),
    '',
  ).trimEnd();
}

function instanceTable(groups: LayerGroup[]): string {
  const prefix = modelPrefix(groups);
  const title = `${groups.length} instances`;
  const rows = groups.map((g) => {
    const s = summarize(g);
    return {
      label: `\`${prefix(g.model)}${g.path || '(model)'}\``,
      cells: [String(s.layers), `${shapesText(s.in, g.model.symbolicBatch)} → ${shapesText(s.out, g.model.symbolicBatch)}`, s.last.rf.length ? rfText(s.last) : '', s.last.rf.length ? jumpText(s.last) : '', humanCount(s.params), humanCount(s.macs)],
    };
  });
  const all = groups.flatMap((g) => g.sites.map((site) => site.layer));
  return `**${title}**\n\n${renderTable(['instance', 'layers', 'in → out', 'rf', 'jump', 'params', 'MACs'], rows, totals(all))}`;
}

function totals(layers: LayerReport[]): string {
  const params = layers.reduce((a, l) => a + l.params, 0);
  const macs = layers.reduce((a, l) => a + l.macs, 0);
  return `total: ${countText(params)} params · ${countText(macs)} MACs`;
}

