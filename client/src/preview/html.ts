// The preview webview's page: a strict Content-Security-Policy (nothing by default; scripts only
// with this page's nonce or from dist/webview; WebAssembly compilation allowed; styles with the
// nonce or from dist/webview; fetches and fonts only from dist/webview). Pure (no `vscode` import)
// so the browser tests serve the very same page.

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
  /** The texts of dist/webview/preview.js and preview.css, written into the page (nonced) so that
   *  the first picture waits for no fetch (a webview's files come through the workbench and the
   *  extension host) and the stylesheet is parsed with the body, not after the script. Without
   *  them (or with a text that could leave its element) the page links the files. */
  inline?: { script: string; style: string };
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
    `style-src 'nonce-${o.nonce}' ${files}`,
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

/** Text that can sit inside a <script> (or <style>) element as it is: no end tag, no HTML
 *  comment opener and no start tag (the two together put the parser in a state where the end
 *  tag no longer closes the element). esbuild escapes `</script` in string literals, not the rest. */
export function inlinable(text: string): boolean {
  return !/<\/?(script|style)|<!--/i.test(text);
}

/** JSON that can sit inside a <script> element: no `</script>`, no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function previewHtml(o: PreviewHtmlOptions): string {
  const nonce = escapeAttr(o.nonce);
  // URIs are passed exactly as the host made them: servers that put the file in the query string
  // (code-server) break relative URLs. The first script and the stylesheet are written into the
  // page: the whole first picture then arrives with the HTML (the stylesheet is parsed while the
  // body is, before the script runs; the script has nothing to fetch: it runs in a task right
  // after the body is parsed). It comes after #app and the first messages, so both exist then. Where the texts are not given (or
  // could leave their element), the files are linked instead: the script fetched alongside the
  // stylesheet (modulepreload, after the import map as import maps require), and run without
  // waiting for the stylesheet (the first frame still does: a stylesheet in the head blocks rendering).
  const importMap = scriptJson({
    imports: { 'onnxruntime-web/webgpu': o.ort.module, 'convlens-preview/runtime': o.later.runtime, 'convlens-preview/controls': o.later.controls },
  });
  if (o.initial && o.initial.length > MAX_INITIAL_MESSAGES) throw new Error(`at most ${MAX_INITIAL_MESSAGES} first messages`);
  const initial = o.initial?.length ? `<script type="application/json" id="${INITIAL_MESSAGES_ID}">${scriptJson(o.initial)}</script>\n` : '';
  const inline = o.inline && inlinable(o.inline.script) && inlinable(o.inline.style) ? o.inline : null;
  const head = inline
    ? `<style nonce="${nonce}">${inline.style}</style>\n`
    : `<link rel="modulepreload" href="${escapeAttr(o.scriptUri)}" nonce="${nonce}">\n<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">\n`;
  const script = inline
    ? `<script type="module" async nonce="${nonce}">${inline.script}</script>`
    : `<script type="module" async nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o))}">
${o.prelude ? `<script nonce="${nonce}">${o.prelude}</script>\n` : ''}<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="importmap" nonce="${nonce}">${importMap}</script>
${head}<title>ConvLens preview</title>
</head>
<body>
<div id="app" data-ort-wasm-glue="${escapeAttr(o.ort.wasmGlue)}" data-ort-wasm="${escapeAttr(o.ort.wasm)}"></div>
${initial}${script}
</body>
</html>
`;
}
