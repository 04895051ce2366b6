// `convlens/upsamplingPath` over the real protocol (dist/server.js): the layer at a position or by
// path, and the model's up-sampling path through it — consecutive up-sampling layers and the
// same-size convolutions between them, normalisation and activations left out, a convolution
// before a pixel shuffle kept (it makes the shuffle's channels), a branch or a size change ending it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UPSAMPLING_PATH_REQUEST, type UpsamplingPathParams, type UpsamplingPathResult } from '../../server/src/lsp/protocol';
import { LspClient } from '../protocol/lspClient';

const TEXT = `import torch
from torch import nn
import torch.nn.functional as F


# convlens: input=1,16,4,4
class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.up1 = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.up2 = nn.ConvTranspose2d(8, 8, 4, stride=2, padding=1)
        self.conv = nn.Conv2d(8, 32, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        x = self.stem(x)
        x = torch.relu(self.bn1(self.up1(x)))
        x = self.up2(x)
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)
        x = self.shuffle(self.conv(x))
        return self.head(x)
`;

const URI = 'file:///virtual/preview/decoder.py';
let client: LspClient;

before(async () => {
  client = await LspClient.start({ initializationOptions: { previewCommand: 'convlens.openPreview' } });
  await client.open(URI, TEXT);
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

const request = (params: UpsamplingPathParams) => client.connection.sendRequest<UpsamplingPathResult>(UPSAMPLING_PATH_REQUEST, params);
const lineOf = (needle: string) => TEXT.split('\n').findIndex((l) => l.includes(needle));

describe('convlens/upsamplingPath', () => {
  it('at the cursor on a transposed convolution: the whole path, in order, BN and ReLU left out', async () => {
    const line = lineOf('self.up2 = nn.ConvTranspose2d');
    const result = await request({ uri: URI, position: { line, character: 12 } });
    assert.ok(result);
    assert.equal(result.model, 'Decoder()');
    assert.equal(result.layer.path, 'up2');
    assert.deepEqual(result.path.map((l) => l.path), ['up1', 'up2', 'F.interpolate@22', 'conv', 'shuffle']);
    assert.equal(result.index, 1);
    assert.deepEqual(result.path[2]!.resize, { mode: 'bilinear', alignCorners: true, scaleFactor: [2, 2] });
  });

  it('by path, as the code lens and hover link ask; the same path from the convolution that feeds the shuffle', async () => {
    const byPath = await request({ uri: URI, path: 'shuffle', model: 'Decoder()' });
    assert.ok(byPath);
    assert.equal(byPath.index, 4);
    assert.equal(byPath.path.length, 5);
    const fromConv = await request({ uri: URI, path: 'conv' });
    assert.deepEqual(fromConv?.path.map((l) => l.path), byPath.path.map((l) => l.path));
  });

  it('a layer outside any up-sampling path comes alone; nothing at a blank line or an unknown path', async () => {
    const stem = await request({ uri: URI, path: 'stem' });
    assert.deepEqual(stem?.path.map((l) => l.path), ['stem']);
    assert.equal(await request({ uri: URI, position: { line: lineOf('import torch'), character: 0 } }), null);
    assert.equal(await request({ uri: URI, path: 'nope' }), null);
    assert.equal(await request({ uri: 'file:///virtual/not-open.py', path: 'up1' }), null);
  });
});
