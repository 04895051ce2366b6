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
let state;
window.acquireVsCodeApi = () => ({
  postMessage: (m) => {
    window.__hostMessages.push(JSON.parse(JSON.stringify(m)));
    // As the extension does: the latest preview goes out when the page says it is ready.
    if (m.type === 'ready' && window.__showOnReady) {
      window.__readyAt = performance.now();
      window.postMessage(window.__showOnReady, '*');
    }
  },
  getState: () => state,
  setState: (s) => { state = s; },
});`;

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
  /** URL of dist/webview/preview.js on the harness server. */
  bundleUrl: string;
  close(): Promise<void>;
}

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const base = `${origin}/dist/webview`;
      const html = previewHtml({
        cspSource: origin,
        baseUri: base,
        scriptUri: `${base}/preview.js`,
        styleUri: `${base}/preview.css`,
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
 */
export async function openHarness(options: { webgpu: boolean; showOnReady?: unknown }): Promise<Harness> {
  if (!existsSync(join(DIST_WEBVIEW, 'preview.js'))) throw new Error('dist/webview/preview.js is missing: npm run build first');
  const server = await serve();
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
  if (options.showOnReady !== undefined) {
    await page.addInitScript((message) => {
      (window as unknown as { __showOnReady: unknown }).__showOnReady = message;
    }, options.showOnReady);
  }
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as { convlensPreview?: unknown }).convlensPreview !== undefined, null, { timeout: 30_000 });
  return {
    page,
    browser,
    server,
    origin,
    bundleUrl: `${origin}/dist/webview/preview.js`,
    close: async () => {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}
