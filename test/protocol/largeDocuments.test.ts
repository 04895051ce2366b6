// Very large documents in the language server (issue 11, item 2): past 2 MB a document is not
// analysed (one info diagnostic at its first line says so, and requests on it answer at once from
// nothing); past 512 K characters it is analysed when opened and saved, not on every keystroke.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FIXTURES, LspClient } from './lspClient';

const layerLine = (i: number) => `        self.c${i} = nn.Conv2d(8, 8, 3, padding=1)\n`;
function model(layers: number, padTo = 0): string {
  let text = 'import torch.nn as nn\n\n\nclass Big(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.first = nn.Conv2d(3, 8, 3, padding=1)\n';
  for (let i = 0; i < layers; i++) text += layerLine(i);
  text += '\n    def forward(self, x):\n        return self.first(x)\n';
  // Comment lines make the file as large as asked without more work for the interpreter.
  while (text.length < padTo) text += `# ${'padding '.repeat(12)}\n`;
  return text;
}

describe('large documents', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  test('past 2 MB: not analysed, an info diagnostic on line 1, hover answered with nothing', async () => {
    const uri = pathToFileURL(join(FIXTURES, 'models', 'huge_generated.py')).toString();
    const text = model(10, 2.5 * 1024 * 1024);
    const diagnostics = client.nextDiagnostics(uri, 1);
    const status = await client.open(uri, text);
    assert.equal(status.models.length, 0);
    const published = await diagnostics;
    assert.equal(published.diagnostics.length, 1, JSON.stringify(published.diagnostics));
    assert.equal(published.diagnostics[0]!.range.start.line, 0);
    assert.match(String(published.diagnostics[0]!.message), /larger than 2 MB, the most ConvLens reads of one file: it is not analysed/);
    assert.equal(await client.hover(uri, 8, 14), null);
  });

  test('past 512K characters: analysed on open and on save, not on each change', async () => {
    const uri = pathToFileURL(join(FIXTURES, 'models', 'large_generated.py')).toString();
    const text = model(3, 600 * 1024);
    const opened = await client.open(uri, text);
    assert.equal(opened.models[0]?.name, 'Big()');
    // A change: no analysis of version 2 comes until the save.
    const line = text.split('\n').findIndex((l) => l.includes('self.c2 ='));
    await client.change(uri, 2, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }]);
    const afterChange = await Promise.race([client.nextStatus(uri, 2).then(() => 'analysed'), new Promise((r) => setTimeout(() => r('waiting'), 1500))]);
    assert.equal(afterChange, 'waiting');
    const saved = client.nextStatus(uri, 2);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const status = await saved;
    assert.equal(status.version, 2);
    assert.equal(status.models[0]?.name, 'Big()');
  });
});
