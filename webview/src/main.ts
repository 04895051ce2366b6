// The preview webview's first script (bundled by esbuild to dist/webview/preview.js, an ES
// module, small on purpose). It boots the panel when the page has an #app element: the layer the
// page was opened with (its HTML carries the first messages) is planned and its overlap map painted
// from the engine's pattern at once; only then does the page fetch the rest — the runtime script
// (preview-runtime.js: ONNX graphs and onnxruntime-web) and the controls script
// (preview-controls.js: the @vscode-elements of the control bar) — by their bare names, which the
// page's import map resolves to their webview URIs. It also exports the pieces the browser tests
// drive directly on the built bundle.

import { PreviewApp, type HostApi, type PreviewRunner } from './ui/app';
import { BOOT_MARK, INITIAL_MESSAGES_ID, MAX_INITIAL_MESSAGES, parseHostMessage, type HostMessage } from './protocol/messages';

export { planPreview, MAX_SIDE } from './preview/plan';
export { layerOverlapMap } from './preview/overlapMap';
export { checkerboardScore } from './analysis/checkerboard';
export { parseHostMessage } from './protocol/messages';
export { PreviewApp, nextFrame } from './ui/app';

declare global {
  interface Window {
    acquireVsCodeApi?: () => HostApi;
    convlensPreview?: PreviewApp;
  }
}

/** Where the bundle is (dist/webview/) when it is loaded from its file (tests); the other scripts
 *  and ORT's files lie beside it. Written into the page (html.ts), the script's URL is the page's
 *  own, which may not even be hierarchical: the page names ORT's files instead. */
export const BASE_URL = ((): string => {
  try {
    return new URL('./', import.meta.url).href;
  } catch {
    return '';
  }
})();

/** Bare names of the later scripts (the page's import map; external to this bundle). Held in
 *  variables so that neither esbuild nor TypeScript looks for them here. */
const RUNTIME_SCRIPT = 'convlens-preview/runtime';
const CONTROLS_SCRIPT = 'convlens-preview/controls';
export type RuntimeScript = typeof import('./runtimeEntry');
export const loadRuntimeScript = (): Promise<RuntimeScript> => import(RUNTIME_SCRIPT) as Promise<RuntimeScript>;

/** How long a page without a layer to show waits before loading its controls anyway. */
const CONTROLS_WITHOUT_PICTURE_MS = 400;

/** How long a panel without a layer to show waits before compiling the runtime anyway. */
const WARM_UP_DELAY_MS = 250;

/** The messages the page was opened with, validated like every other one; none when absent. */
function initialMessages(): { messages: HostMessage[]; errors: string[] } {
  const block = document.getElementById(INITIAL_MESSAGES_ID);
  const messages: HostMessage[] = [];
  const errors: string[] = [];
  if (!block || block.getAttribute('type') !== 'application/json') return { messages, errors };
  let raw: unknown;
  try {
    raw = JSON.parse(block.textContent ?? '');
  } catch {
    return { messages, errors: ['the first messages are not JSON'] };
  }
  if (!Array.isArray(raw) || raw.length > MAX_INITIAL_MESSAGES) return { messages, errors: ['the first messages are not a short list'] };
  for (const m of raw) {
    const parsed = parseHostMessage(m);
    if (parsed.ok) messages.push(parsed.value);
    else errors.push(`rejected message: ${parsed.error}`);
  }
  return { messages, errors };
}

/** The latest request this webview rendered, as its saved state says (it survives reloads). */
function shownBefore(state: unknown): number {
  const shown = typeof state === 'object' && state !== null ? (state as { shown?: unknown }).shown : undefined;
  return typeof shown === 'number' && Number.isSafeInteger(shown) ? shown : -1;
}

function boot(): void {
  performance.mark(BOOT_MARK);
  const container = document.getElementById('app');
  if (!container || window.convlensPreview) return;
  // Outside a webview (a test page without the stub) messages go nowhere.
  const host: HostApi = window.acquireVsCodeApi?.() ?? { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
  // The page names ORT's files (their webview URIs); a page that does not gets them beside the bundle.
  const { ortWasmGlue, ortWasm } = container.dataset;
  const wasm = ortWasmGlue && ortWasm ? { glue: ortWasmGlue, binary: ortWasm } : BASE_URL;
  const runner = (): Promise<PreviewRunner> => loadRuntimeScript().then((m) => new m.PreviewRuntime(wasm));
  const app = new PreviewApp(container, host, runner);
  window.convlensPreview = app;
  window.addEventListener('message', (event: MessageEvent) => app.handleMessage(event.data));
  // The first messages from the page itself: no round trip through the extension before the
  // first picture. A webview rebuilt from the same HTML after it showed later layers (a hidden
  // panel shown again) skips a stale first layer; the host sends the latest on `ready`.
  const { messages, errors } = initialMessages();
  const before = shownBefore(host.getState());
  let shown: number | undefined;
  for (const message of messages) {
    if (message.type === 'show' && message.requestId < before) continue;
    if (message.type === 'show') shown = message.requestId;
    app.handleMessage(message);
  }
  for (const message of errors) host.postMessage({ type: 'error', message: message.slice(0, 1000) });
  host.postMessage(shown === undefined ? { type: 'ready' } : { type: 'ready', shown });
  // The controls, after the first picture; a page with nothing to show yet waits a moment for the
  // layer the host answers `ready` with, then loads them anyway.
  const idle = new Promise((resolve) => shown === undefined && setTimeout(resolve, CONTROLS_WITHOUT_PICTURE_MS));
  void Promise.race([app.firstPicture, idle]).then(() =>
    import(CONTROLS_SCRIPT).catch((error: unknown) => {
      host.postMessage({ type: 'error', message: `the controls did not load: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000) });
    }),
  );
  // Without a layer yet, ORT's module and its WebAssembly compile start anyway, but not at once:
  // the host answers `ready` with the latest layer, and its overlap map goes first (its render
  // starts the same work right after that paint). A failure here shows again, with its message,
  // at the first run.
  if (shown === undefined) {
    setTimeout(() => {
      app
        .loadRunner()
        .then((r) => r.warmUp?.())
        .catch(() => undefined);
    }, WARM_UP_DELAY_MS);
  }
}

boot();
