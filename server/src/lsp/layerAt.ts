// `convlens/layerAt`: the one layer the code at a position stands for (the preview panel shows
// the up-sampling under the cursor, so a transposed convolution wins among several).

import type { LayerReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import { findLayerSites } from './hover';
import type { Pos } from './positionMap';

export function layerAt(view: AnalysisView, screen: Pos): LayerReport | null {
  const p = view.toAnalysed(screen);
  if (!p) return null;
  const sites = view.index().sitesAt(p);
  const candidates = sites.length ? sites : findLayerSites(view, p);
  if (!candidates.length) return null;
  return (candidates.find((s) => s.layer.overlap && s.layer.overlap.length) ?? candidates[0]).layer;
}
