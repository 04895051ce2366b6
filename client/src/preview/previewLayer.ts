// What the preview needs of a layer report: the engine's LayerReport carries locations, exact
// fractions and more; the webview's schema accepts only these fields (strictly), so the host
// reduces each report before posting it. Pure, shared with the browser tests.

import type { LayerReport } from '../../../server/src/engine/report';
import type { UpsamplingPathResult } from '../../../server/src/lsp/protocol';
import type { PreviewLayer, PreviewTarget } from '../../../webview/src/protocol/messages';

/** The preview reads the first input and output; a concatenation may have hundreds. */
const MAX_TENSORS = 4;

export function toPreviewLayer(l: LayerReport): PreviewLayer {
  const layer: PreviewLayer = {
    path: l.path.slice(0, 512),
    op: l.op.slice(0, 64),
    args: l.args.slice(0, 512),
    in: l.in.slice(0, MAX_TENSORS),
    out: l.out.slice(0, MAX_TENSORS),
  };
  if (l.kernel) layer.kernel = l.kernel;
  if (l.stride) layer.stride = l.stride;
  if (l.padding) layer.padding = l.padding;
  if (l.dilation) layer.dilation = l.dilation;
  if (l.overlap) layer.overlap = l.overlap;
  if (l.resize) layer.resize = { mode: l.resize.mode, alignCorners: l.resize.alignCorners, scaleFactor: l.resize.scaleFactor };
  return layer;
}

export function toPreviewTarget(result: NonNullable<UpsamplingPathResult>): PreviewTarget {
  return { model: result.model, layer: toPreviewLayer(result.layer), path: result.path.map(toPreviewLayer), index: result.index };
}
