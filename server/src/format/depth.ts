// torchinfo's `depth`: rows of modules nested deeper than N are folded into their ancestor at
// depth N (a top-level attribute is depth 1, `layer1.0` depth 2, `layer1.0.conv1` depth 3; a
// functional call one level under the module whose forward made it). A folded row sums the rows
// it stands for; its parameters are all the ancestor's, on its first row only, as a module called
// again shows its parameters once.

import type { ContainerReport, LayerReport, ModelReport } from '../engine/report';

/** A row of the table: a layer, or several folded into their ancestor. */
export type TableRow = LayerReport & { folded?: number };

/** The owner module's path of a row and its depth (torchinfo's numbering). */
function placeOf(layer: LayerReport): { segments: string[]; depth: number } {
  if (layer.kind === 'function') {
    const at = layer.path.lastIndexOf(layer.op);
    const owner = at > 0 ? layer.path.slice(0, at).replace(/\.$/, '') : '';
    const segments = owner ? owner.split('.') : [];
    return { segments, depth: segments.length + 1 };
  }
  const segments = layer.path ? layer.path.split('.') : [];
  return { segments, depth: segments.length };
}

/** Output memory of folded rows: the module calls' (functional calls have none, as in the
 *  totals); one unknown makes the sum unknown. */
function addOutputBytes(sum: number | null | undefined, layer: LayerReport): number | null | undefined {
  if (layer.notCalled || layer.kind === 'function' || layer.outputBytes === undefined) return sum;
  if (layer.outputBytes === null || sum === null) return null;
  return (sum ?? 0) + layer.outputBytes;
}

/** The rows at most `depth` deep (consecutive rows under the same ancestor become one). */
export function rowsToDepth(model: ModelReport, depth: number): TableRow[] {
  const containers = new Map<string, ContainerReport>();
  for (const c of model.containers ?? []) containers.set(c.path, c);
  const shown = new Set<string>();
  const rows: TableRow[] = [];
  let open: TableRow | null = null;
  for (const layer of model.layers) {
    const place = placeOf(layer);
    if (place.depth <= depth) {
      open = null;
      rows.push(layer);
      continue;
    }
    const path = place.segments.slice(0, depth).join('.');
    if (open && open.path === path && !!open.notCalled === !!layer.notCalled) {
      open.folded! += 1;
      open.macs += layer.macs;
      open.outputBytes = addOutputBytes(open.outputBytes, layer);
      if (layer.unknown) open.unknown ??= layer.unknown;
      continue;
    }
    const container = containers.get(path);
    const first: boolean = !shown.has(path);
    shown.add(path);
    const params: number = first ? (container ? container.params : path === '' ? model.params : layer.params) : 0;
    open = {
      path,
      op: container?.className ?? (path === '' ? model.className : layer.op),
      kind: 'module',
      args: '',
      in: [],
      out: [],
      params,
      macs: layer.macs,
      rf: [], jump: [], rfExact: [], jumpExact: [],
      defined: [], called: [],
      trainableParams: !first ? 0 : container ? container.trainableParams : path === '' ? model.trainableParams : layer.trainableParams,
      paramBytes: !first ? 0 : container ? container.paramBytes : path === '' ? model.paramBytes : layer.paramBytes,
      outputBytes: addOutputBytes(undefined, layer),
      folded: 1,
      ...(layer.notCalled ? { notCalled: true as const } : {}),
      ...(layer.unknown ? { unknown: layer.unknown } : {}),
    };
    rows.push(open);
  }
  return rows;
}
