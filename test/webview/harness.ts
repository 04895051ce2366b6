// The browser side of the webview tests and the bench: a tiny 127.0.0.1 server for dist/webview
// and a page built by the extension's own previewHtml (same CSP), with a stand-in for
// acquireVsCodeApi that records what the webview posts; Debian's Chromium driven by
// playwright-core, with or without WebGPU (SwiftShader).

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { previewHtml } from '../../client/src/preview/html';
import type { HostMessage } from '../../webview/src/protocol/messages';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST_WEBVIEW = join(ROOT, 'dist/webview');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
};

/** The stand-in for VS Code's webview API: messages and state stay on window for the test. */
const PRELUDE = `
// tsx compiles the tests with esbuild's keepNames, which wraps named functions in __name(...):
// functions passed to page.evaluate carry that call into the page.
window.__name = (target) => target;
window.__hostMessages = [];
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
// The webview's saved state (VS Code keeps it across reloads of a hidden webview).
let state = window.__savedState;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => {
    window.__hostMessages.push(JSON.parse(JSON.stringify(m)));
    // As the extension does: the latest preview goes out when the page says it is ready.
    if (m.type === 'ready') window.__readyAt = performance.now();
    if (m.type === 'ready' && window.__showOnReady) window.postMessage(window.__showOnReady, '*');
  },
  getState: () => state,
  setState: (s) => { state = s; },
});`;

/**
 * The least a page costs in this harness (the bench's reference for the cold opening): the same
 * prelude and CSP, one heading and a line of text, and a 256×256 canvas painted by an inline
 * script, stamped like the overlap map (data-engine-frame-at, in a task after the next frame's rAF).
 */
const FLOOR_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-floor0123456789'; style-src 'nonce-floor0123456789'">
<script nonce="floor0123456789">${PRELUDE}</script>
<style nonce="floor0123456789">body { font-family: sans-serif; }</style>
</head>
<body>
<h2>Up-sampling preview</h2>
<p>Overlap map from the engine (kernel taps per output pixel, exact)</p>
<canvas id="heatmap-layer" width="256" height="256"></canvas>
<script nonce="floor0123456789">
const canvas = document.getElementById('heatmap-layer');
const ctx = canvas.getContext('2d');
const image = ctx.createImageData(256, 256);
const px = new Uint32Array(image.data.buffer);
for (let i = 0; i < px.length; i++) px[i] = 0xff000000 | ((i >> 8) & 1 ? 0x545401 : 0x8c2128);
ctx.putImageData(image, 0, 0);
canvas.dataset.enginePaintedAt = String(performance.now());
requestAnimationFrame(() => setTimeout(() => { canvas.dataset.engineFrameAt = String(performance.now()); }, 0));
</script>
</body>
</html>
`;

export function chromiumPath(): string {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]) {
    if (existsSync(p)) return p;
  }
  throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

export interface Harness {
  page: Page;
  browser: Browser;
  server: Server;
  origin: string;
  /** URL of dist/webview/preview.js (the first script) on the harness server. */
  bundleUrl: string;
  /** URL of dist/webview/preview-runtime.js (the runtime script: ONNX graphs, the ORT wrapper). */
  runtimeUrl: string;
  /** Paths of dist/webview the server was asked for, in order. */
  requested: string[];
  close(): Promise<void>;
}

interface ServeOptions {
  initial?: HostMessage[];
  /** Files of dist/webview the server never answers (a runtime that does not arrive). */
  hold?: RegExp;
  requested: string[];
  linked?: boolean;
}

function serve(options: ServeOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/floor') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(FLOOR_PAGE);
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const base = `${origin}/dist/webview`;
      const html = previewHtml({
        cspSource: origin,
        baseUri: base,
        scriptUri: `${base}/preview.js`,
        later: { runtime: `${base}/preview-runtime.js`, controls: `${base}/preview-controls.js` },
        initial: options.initial,
        styleUri: `${base}/preview.css`,
        // As the extension does (client/src/preview/host.ts): the first script and the stylesheet in the page.
        inline: options.linked ? undefined : { script: readFileSync(join(DIST_WEBVIEW, 'preview.js'), 'utf8'), style: readFileSync(join(DIST_WEBVIEW, 'preview.css'), 'utf8') },
        ort: {
          module: `${base}/ort.webgpu.min.mjs`,
          wasmGlue: `${base}/ort-wasm-simd-threaded.asyncify.mjs`,
          wasm: `${base}/ort-wasm-simd-threaded.asyncify.wasm`,
        },
        nonce: 'harness-nonce-0123456789',
        prelude: PRELUDE,
      });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const relative = normalize(decodeURIComponent(url.pathname)).replace(/^\/dist\/webview\//, '');
    options.requested.push(relative);
    // Held: the request stays open until the browser closes.
    if (options.hold?.test(relative)) return;
    const file = join(DIST_WEBVIEW, relative);
    if (!url.pathname.startsWith('/dist/webview/') || !file.startsWith(DIST_WEBVIEW) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

/**
 * Opens the harness page; `webgpu` adds --enable-unsafe-webgpu (headless Chromium's SwiftShader
 * adapter). `showOnReady`: a message the stand-in host posts to the page as soon as the webview
 * says it is ready, as the extension does with the latest preview (window.__readyAt says when).
 * `initial`: the first messages written into the page's HTML, as the panel does with its layer.
 * `hold`: files of dist/webview never answered. `savedState`: what getState() returns.
 */
export async function openHarness(options: {
  webgpu: boolean;
  showOnReady?: unknown;
  initial?: HostMessage[];
  hold?: RegExp;
  /** The state the webview saved before (getState()'s answer). */
  savedState?: unknown;
  /** The page links the first script and the stylesheet instead of carrying them (html.ts). */
  linked?: boolean;
  /** The reference page instead of the preview (FLOOR_PAGE): no preview to wait for. */
  floor?: boolean;
}): Promise<Harness> {
  if (!existsSync(join(DIST_WEBVIEW, 'preview-runtime.js'))) throw new Error('dist/webview/preview-runtime.js is missing: npm run build first');
  const requested: string[] = [];
  const server = await serve({ initial: options.initial, hold: options.hold, requested, linked: options.linked });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    // Exact flags: Playwright's defaults include some that change GPU behaviour.
    ignoreDefaultArgs: true,
    args: [
      '--headless=new',
      '--remote-debugging-pipe',
      '--no-sandbox',
      '--no-first-run',
      '--disable-extensions',
      '--mute-audio',
      ...(options.webgpu ? ['--enable-unsafe-webgpu'] : []),
      'about:blank',
    ],
  });
  const page = await browser.newPage();
  if (options.savedState !== undefined) {
    await page.addInitScript((state) => {
      (window as unknown as { __savedState: unknown }).__savedState = state;
    }, options.savedState);
  }
  if (options.showOnReady !== undefined) {
    await page.addInitScript((message) => {
      (window as unknown as { __showOnReady: unknown }).__showOnReady = message;
    }, options.showOnReady);
  }
  await page.goto(`${origin}/${options.floor ? 'floor' : ''}`);
  if (!options.floor) await page.waitForFunction(() => (window as unknown as { convlensPreview?: unknown }).convlensPreview !== undefined, null, { timeout: 120_000 });
  return {
    page,
    browser,
    server,
    origin,
    bundleUrl: `${origin}/dist/webview/preview.js`,
    runtimeUrl: `${origin}/dist/webview/preview-runtime.js`,
    requested,
    close: async () => {
      await browser.close();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    },
  };
}
