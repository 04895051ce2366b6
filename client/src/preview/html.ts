// The preview webview's page: a strict Content-Security-Policy (nothing by default; scripts only
// with this page's nonce or from dist/webview; WebAssembly compilation allowed; styles, fetches
// and fonts only from dist/webview). Pure (no `vscode` import) so the browser tests serve the very
// same page.

import { INITIAL_MESSAGES_ID, MAX_INITIAL_MESSAGES, type HostMessage } from '../../../webview/src/protocol/messages';

export interface PreviewHtmlOptions {
  /** The webview's `cspSource` (space-separated origins such as `https://*.vscode-cdn.net`). */
  cspSource: string;
  /** The webview URI of dist/webview (no trailing slash). */
  baseUri: string;
  /** The webview URI of dist/webview/preview.js (the first script). */
  scriptUri: string;
  /** The webview URIs of the scripts the first one imports after the first picture, by bare name
   *  through the import map: dist/webview/preview-runtime.js and preview-controls.js. */
  later: { runtime: string; controls: string };
  /** The webview URI of dist/webview/preview.css. */
  styleUri: string;
  /** The webview URIs of onnxruntime-web's files in dist/webview: the module the app imports by
   *  its bare name (through an import map), and the WebAssembly glue and binary it loads. */
  ort: { module: string; wasmGlue: string; wasm: string };
  nonce: string;
  /** Messages the page handles before anything else (the panel's layer and the backend setting),
   *  so that its first picture needs no round trip through the extension. Validated by the page
   *  like every message; inert data here (a JSON block, never run). */
  initial?: readonly HostMessage[];
  /** Extra inline script (the test harness's stand-in for acquireVsCodeApi); runs with the nonce,
   *  first in the head, where VS Code puts its own acquireVsCodeApi script. */
  prelude?: string;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return '';
  }
}

/**
 * CSP sources for dist/webview: each origin of `cspSource` restricted to the folder's path. Where
 * files are not addressed under the folder's path (servers that pass the file in the query, as
 * code-server does), the shared path of the resource endpoint is used as is.
 */
export function folderSources(cspSource: string, baseUri: string, fileUri: string): string {
  const dir = pathOf(baseUri);
  const file = pathOf(fileUri);
  const path = dir && file.startsWith(`${dir}/`) ? `${dir}/` : file;
  return cspSource
    .split(/\s+/)
    .filter(Boolean)
    .map((origin) => (/^[a-z][a-z0-9+.-]*:\/\/[^/]+$/i.test(origin) && path ? `${origin}${path}` : origin))
    .join(' ');
}

export function contentSecurityPolicy(o: Pick<PreviewHtmlOptions, 'cspSource' | 'baseUri' | 'scriptUri' | 'nonce'>): string {
  const files = folderSources(o.cspSource, o.baseUri, o.scriptUri);
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}' ${files} 'wasm-unsafe-eval'`,
    `style-src ${files}`,
    `connect-src ${files}`,
    `font-src ${files}`,
    `img-src ${files}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** 128 bits from crypto, as base64url. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** JSON that can sit inside a <script> element: no `</script>`, no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function previewHtml(o: PreviewHtmlOptions): string {
  const nonce = escapeAttr(o.nonce);
  // URIs are passed exactly as the host made them: servers that put the file in the query string
  // (code-server) break relative URLs. The first script is fetched alongside the stylesheet
  // (modulepreload, after the import map as import maps require): a module script at the end of
  // the body was fetched only once the stylesheet had arrived. Same URL, same CSP source. It is
  // `async`: a deferred module waits for the stylesheet before it runs, whereas this one builds
  // the panel and paints the first overlap map while the stylesheet is still on its way (the first
  // frame still waits for it: a stylesheet in the head blocks rendering, so nothing is shown
  // unstyled). It comes after #app and the first messages, so both exist when it runs.
  const importMap = scriptJson({
    imports: { 'onnxruntime-web/webgpu': o.ort.module, 'convlens-preview/runtime': o.later.runtime, 'convlens-preview/controls': o.later.controls },
  });
  if (o.initial && o.initial.length > MAX_INITIAL_MESSAGES) throw new Error(`at most ${MAX_INITIAL_MESSAGES} first messages`);
  const initial = o.initial?.length ? `<script type="application/json" id="${INITIAL_MESSAGES_ID}">${scriptJson(o.initial)}</script>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o))}">
${o.prelude ? `<script nonce="${nonce}">${o.prelude}</script>\n` : ''}<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="importmap" nonce="${nonce}">${importMap}</script>
<link rel="modulepreload" href="${escapeAttr(o.scriptUri)}" nonce="${nonce}">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>ConvLens preview</title>
</head>
<body>
<div id="app" data-ort-wasm-glue="${escapeAttr(o.ort.wasmGlue)}" data-ort-wasm="${escapeAttr(o.ort.wasm)}"></div>
${initial}<script type="module" async nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
