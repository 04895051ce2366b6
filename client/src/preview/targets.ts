// Asks the language server what to preview: the layer at a position (the side panel follows the
// cursor with `convlens/layerAt`, then fetches the path) or a layer by its path (the code lens and
// hover link name it).

import type { LanguageClient } from 'vscode-languageclient/node';
import {
  LAYER_AT_REQUEST,
  UPSAMPLING_PATH_REQUEST,
  type LayerAtParams,
  type LayerAtResult,
  type UpsamplingPathParams,
  type UpsamplingPathResult,
} from '../../../server/src/lsp/protocol';
import { upKind } from '../../../webview/src/preview/fromLayer';
import type { PreviewTarget } from '../../../webview/src/protocol/messages';
import { toPreviewLayer, toPreviewTarget } from './previewLayer';

/** A target worth previewing: its path holds an up-sampling layer. */
export function isUpsamplingTarget(target: PreviewTarget): boolean {
  return target.path.some((l) => upKind(l) !== null) || upKind(target.layer) !== null;
}

export async function targetAtPosition(client: LanguageClient, uri: string, position: { line: number; character: number }): Promise<PreviewTarget | null> {
  const layer = await client.sendRequest<LayerAtResult>(LAYER_AT_REQUEST, { uri, position } satisfies LayerAtParams);
  if (!layer) return null;
  // Most layers under a cursor are not up-sampling and stand alone: no second request for them.
  if (!upKind(toPreviewLayer(layer)) && !/^Conv2d$|^F\.conv2d$/.test(layer.op)) return null;
  const result = await client.sendRequest<UpsamplingPathResult>(UPSAMPLING_PATH_REQUEST, { uri, position } satisfies UpsamplingPathParams);
  return result ? toPreviewTarget(result) : null;
}

export async function targetByPath(client: LanguageClient, uri: string, path: string, model?: string): Promise<PreviewTarget | null> {
  const params: UpsamplingPathParams = { uri, path, ...(model ? { model } : {}) };
  const result = await client.sendRequest<UpsamplingPathResult>(UPSAMPLING_PATH_REQUEST, params);
  return result ? toPreviewTarget(result) : null;
}
