// Issue 11, item 5: a language server whose stdin framing broke must not stay alive and deaf. It
// exits (not with 0, so the client restarts it), and says why on stderr. Also: a server that is
// well used first (a request answered) and then sent garbage exits likewise.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { SERVER } from './lspClient';

const EXIT_WITHIN_MS = 10_000;

function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

async function exitAfter(chunks: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  for (const chunk of chunks) {
    child.stdin.write(chunk);
    // A request waits for its answer (up to 5 s) before the next chunk goes.
    const id = /"id":(\d+)/.exec(chunk)?.[1];
    for (let waited = 0; id && !stdout.includes(`"id":${id},`) && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  }
  let handle: NodeJS.Timeout | undefined;
  const timer = new Promise<'timeout'>((r) => (handle = setTimeout(() => r('timeout'), EXIT_WITHIN_MS)));
  const result = await Promise.race([exited, timer]);
  clearTimeout(handle);
  if (result === 'timeout') {
    child.kill('SIGKILL');
    assert.fail(`the server was still running ${EXIT_WITHIN_MS} ms after its input broke; stderr: ${stderr}`);
  }
  return { code: result, stderr, stdout };
}

const initialize = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });

test('a header without Content-Length: the server exits with a reason', async () => {
  const r = await exitAfter(['Content-Type: x\r\n\r\n{}']);
  assert.notEqual(r.code, 0);
  assert.notEqual(r.code, null);
  assert.match(r.stderr, /input is unreadable \(Header must provide a Content-Length property/);
});

test('after a working initialize, a Content-Length that is not a number: the server exits', async () => {
  const r = await exitAfter([initialize, 'Content-Length: lots\r\n\r\n{}']);
  // It did answer the first request: it was alive and listening before the garbage.
  assert.match(r.stdout, /"id":1,"result":\{"capabilities"/);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Content-Length value must be a number/);
});
