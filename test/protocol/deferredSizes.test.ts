// A keystroke's analysis defers the valid-input-size scan (it is not on the typing path); the
// model's hover and the layer table still give the sizes, and a pause in typing completes the
// report by itself. The expected sizes are the complete analysis's, which
// test/oracle/valid-sizes.test.ts checks against real PyTorch.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { analyzeFile } from '../../server/src/engine/analyze';
import { SERVER_COMMANDS } from '../../server/src/lsp/protocol';
import { LspClient, fixturePath, positionOf } from './lspClient';
import { pathToFileURL } from 'node:url';

const path = fixturePath('unet.py');
const text = `# convlens: input=(1, 3, 96, 96)\n${readFileSync(path, 'utf8')}`;
// Not the fixture's own URI: other tests' servers may hold that one with another text.
const uri = pathToFileURL(path.replace(/unet\.py$/, 'unet_deferred.py')).toString();

const readFile = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};
const complete = analyzeFile({
  file: path.replace(/unet\.py$/, 'unet_deferred.py'), text, readFile, timeLimitMs: 60_000, validSizes: 'always',
  listDirectory: (p) => { try { return readdirSync(p); } catch { return null; } },
  isDirectory: (p) => { try { return statSync(p).isDirectory(); } catch { return false; } },
});
const summary = complete.models[0]?.validInputSizes?.summary;

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

test('the complete analysis finds the sizes (the expected text)', () => {
  assert.equal(complete.models.length, 1);
  assert.ok(summary && /\d/.test(summary), summary);
});

test('after an edit, the model hover still names the valid input sizes', async () => {
  await client.open(uri, text);
  // A keystroke: a space at the end of the file.
  const lines = text.split('\n');
  const published = client.nextDiagnostics(uri, 2);
  await client.change(uri, 2, [{ range: { start: { line: lines.length - 1, character: 0 }, end: { line: lines.length - 1, character: 0 } }, text: ' ' }]);
  await published;
  const at = positionOf(text, 'class UNet', 6);
  const hover = await client.hoverText(uri, at.line, at.character);
  assert.ok(hover.includes(`valid input sizes: ${summary}`), hover);
});

test('the layer table names them too', async () => {
  const published = client.nextDiagnostics(uri, 3);
  await client.change(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
  await client.change(uri, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: '' }]);
  await published;
  const table = await client.executeCommand(SERVER_COMMANDS.layerTable, [{ uri }]);
  assert.equal(typeof table, 'string');
  assert.ok((table as string).includes(`valid input sizes: ${summary}`), table as string);
});

test('a pause in typing completes the report without a request', async () => {
  const before = client.statuses.length;
  const published = client.nextDiagnostics(uri, 5);
  await client.change(uri, 5, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' }]);
  await published;
  // The keystroke's status, then the completed report's for the same version.
  const deadline = Date.now() + 30_000;
  while (client.statuses.slice(before).filter((s) => s.uri === uri && s.version === 5).length < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(client.statuses.slice(before).filter((s) => s.uri === uri && s.version === 5).length, 2);
});
