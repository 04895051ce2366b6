// A model file imports its block from another workspace file: when that file changes (edited in
// the editor, closed back to what is on disk, or changed on disk), the importer is analysed again.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { LspClient } from './lspClient';

const blockSource = (kernel: number) => `from torch import nn


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, ${kernel}, padding=${(kernel - 1) / 2})

    def forward(self, x):
        return self.conv(x)
`;

const modelSource = `from torch import nn
from blocks import Block


# convlens: input=(1, 3, 32, 32)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block(3, 16)

    def forward(self, x):
        return self.block(x)
`;

/** Conv2d(3, 16, k) parameters: weights and biases. */
const params = (kernel: number) => 3 * 16 * kernel * kernel + 16;

let client: LspClient;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convlens-deps-'));
  writeFileSync(join(dir, 'blocks.py'), blockSource(3));
  writeFileSync(join(dir, 'model.py'), modelSource);
  client = await LspClient.start();
});
after(async () => {
  assert.equal(await client.stop(), 0);
  rmSync(dir, { recursive: true, force: true });
});

test('edits, close and disk changes of an imported file re-analyse the importer', async () => {
  const modelUri = pathToFileURL(join(dir, 'model.py')).toString();
  const blocksUri = pathToFileURL(join(dir, 'blocks.py')).toString();
  const net = (s: { models: { name: string; params: number }[] }) => s.models.find((m) => m.name === 'Net()')?.params;

  assert.equal(net(await client.open(modelUri, modelSource)), params(3));

  // Opened and edited in the editor: the buffer, not the disk, is what the importer sees.
  let next = client.futureStatus(modelUri);
  await client.open(blocksUri, blockSource(3));
  await next;
  next = client.futureStatus(modelUri, (s) => net(s) !== params(3));
  const line = blockSource(3).split('\n').findIndex((l) => l.includes('nn.Conv2d'));
  const old = blockSource(3).split('\n')[line];
  await client.change(blocksUri, 2, [{ range: { start: { line, character: 0 }, end: { line, character: old.length } }, text: blockSource(5).split('\n')[line] }]);
  assert.equal(net(await next), params(5));

  // Closed: the disk version (kernel 1 by now) counts again.
  writeFileSync(join(dir, 'blocks.py'), blockSource(1));
  next = client.futureStatus(modelUri, (s) => net(s) !== params(5));
  await client.close(blocksUri);
  assert.equal(net(await next), params(1));

  // Changed on disk while closed: the client's file watcher tells the server.
  writeFileSync(join(dir, 'blocks.py'), blockSource(7));
  next = client.futureStatus(modelUri, (s) => net(s) !== params(1));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: blocksUri, type: 2 }] });
  assert.equal(net(await next), params(7));
});
