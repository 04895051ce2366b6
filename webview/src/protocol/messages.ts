// The messages between the extension (host) and the preview webview, and their schemas. Both
// sides validate what they receive. The host sends the layer as the engine reported it, reduced to
// the fields the preview needs (see toPreviewLayer in client/src/preview).

import { SchemaError, arr, bool, int, literal, nullable, num, obj, str, tagged, type Schema } from './schema';

export const BACKENDS = ['auto', 'webgpu', 'wasm'] as const;

/** The id of the page's JSON block holding the first host messages (client previewHtml writes it,
 *  the page's first script reads it and validates each message like any other). */
export const INITIAL_MESSAGES_ID = 'convlens-initial';
/** At most this many first messages (the backend setting and a layer). */
export const MAX_INITIAL_MESSAGES = 4;
/** The performance mark the first script sets when it starts (the bench's breakdown of the first
 *  picture's time reads it). */
export const BOOT_MARK = 'convlens-preview:boot';
export type BackendSetting = (typeof BACKENDS)[number];

const MAX_DIM = 2 ** 31;
const shape = arr(int(0, MAX_DIM), 8);
const perAxis = arr(int(0, 1 << 20), 3);

export const previewLayerSchema = obj(
  { path: str(512), op: str(64), args: str(512), in: arr(shape, 16), out: arr(shape, 16) },
  {
    kernel: perAxis,
    stride: perAxis,
    padding: perAxis,
    dilation: perAxis,
    overlap: arr(arr(int(0, 1 << 20), 4096), 3),
    resize: obj({ mode: str(32), alignCorners: bool, scaleFactor: nullable(arr(num(0, 1e6), 3)) }),
  },
);
export type PreviewLayer = ReturnType<typeof previewLayerSchema>;

export const previewTargetSchema = obj({
  model: str(512),
  layer: previewLayerSchema,
  path: arr(previewLayerSchema, 32, 1),
  index: int(0, 31),
});
export type PreviewTarget = ReturnType<typeof previewTargetSchema>;

/** Host → webview. */
export const hostMessageSchema = tagged({
  /** Preview this layer (and its up-sampling path). `requestId` comes back in `rendered`. */
  show: obj({ type: literal('show'), requestId: int(0, Number.MAX_SAFE_INTEGER), target: previewTargetSchema }),
  /** Nothing to preview at the cursor: say why. */
  clear: obj({ type: literal('clear'), message: str(300) }),
  /** The `convlens.preview.backend` setting changed (also sent once after `ready`). */
  options: obj({ type: literal('options'), backend: literal(...BACKENDS) }),
});
export type HostMessage = ReturnType<typeof hostMessageSchema>;

const variantSummary = obj({ id: str(32), label: str(120), score: nullable(num(0, 1)), ms: num(0, 1e9) });

/** Webview → host. */
export const webviewMessageSchema = tagged({
  /** `shown`: the request the page rendered from its own HTML (the host need not send it again). */
  ready: obj({ type: literal('ready') }, { shown: int(0, Number.MAX_SAFE_INTEGER) }),
  rendered: obj({
    type: literal('rendered'),
    requestId: int(0, Number.MAX_SAFE_INTEGER),
    backend: literal('webgpu', 'wasm'),
    runMs: num(0, 1e9),
    sessionMs: num(0, 1e9),
    variants: arr(variantSummary, 8),
  }),
  error: obj({ type: literal('error'), message: str(1000) }, { requestId: int(0, Number.MAX_SAFE_INTEGER) }),
});
export type WebviewMessage = ReturnType<typeof webviewMessageSchema>;

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

function validate<T>(schema: Schema<T>, value: unknown): Validation<T> {
  try {
    return { ok: true, value: schema(value, '') };
  } catch (error) {
    if (error instanceof SchemaError) return { ok: false, error: error.message };
    throw error;
  }
}

export const parseHostMessage = (value: unknown): Validation<HostMessage> => validate(hostMessageSchema, value);
export const parseWebviewMessage = (value: unknown): Validation<WebviewMessage> => validate(webviewMessageSchema, value);
