// Hovers over the real protocol: `node dist/server.js --stdio`, fixture files opened as a client
// would, hover text checked at exact positions against the PyTorch reference numbers in
// fixtures/expected (and arithmetic from the layer definitions where the reference has none).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LspClient, fixtureUri, positionOf } from './lspClient';
import { expected, expectedLayer, fixtureText, grouped, shape, tableRow, withInputs, type ExpectedLayer } from './fixtureText';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

async function hoverAt(uri: string, text: string, needle: string, offset = 0, occurrence = 1): Promise<string> {
  const p = positionOf(text, needle, offset, occurrence);
  return client.hoverText(uri, p.line, p.character);
}

/** Three significant digits with a unit, written independently of the server's formatter. */
function human(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n >= 1e9 ? [n / 1e9, 'G'] : n >= 1e6 ? [n / 1e6, 'M'] : [n / 1e3, 'K'];
  return `${Number(value.toPrecision(3))}${unit}`;
}

const axes = (v: (number | string)[]) => (v.every((x) => String(x) === String(v[0])) ? String(v[0]) : v.join('×'));

/** Taps per output position over one period of a transposed convolution, by brute force (DESIGN.md). */
function overlapPattern(k: number, s: number, p: number): number[] {
  return Array.from({ length: s }, (_, phase) => {
    const o = 10 * s + phase;
    let taps = 0;
    for (let i = 0; i < 100; i++) for (let t = 0; t < k; t++) if (i * s + t - p === o) taps++;
    return taps;
  });
}

function assertLayerRow(hover: string, layer: ExpectedLayer, label = layer.name!): void {
  const cells = tableRow(hover, label);
  assert.ok(cells, `a row for ${label} in:\n${hover}`);
  assert.ok(cells.includes(`${shape(layer.in)} → ${shape(layer.out)}`) || cells.includes(shape(layer.out)), `${label} shapes: ${cells.join(' | ')}`);
  assert.ok(cells.includes(axes(layer.rf)), `${label} rf ${axes(layer.rf)}: ${cells.join(' | ')}`);
  assert.ok(cells.includes(axes(layer.jump)), `${label} jump ${axes(layer.jump)}: ${cells.join(' | ')}`);
  assert.ok(cells.includes(human(layer.macs)), `${label} MACs ${human(layer.macs)}: ${cells.join(' | ')}`);
}

describe('VAE decoder (input 2×128 from a directive)', () => {
  const uri = fixtureUri('vae_decoder.py');
  const text = withInputs(fixtureText('vae_decoder.py'), { Decoder: [2, 128] });
  const ref = expected('vae_decoder_Decoder');
  before(async () => {
    await client.open(uri, text);
  });

  test('the Linear layer: shapes, params and MACs', async () => {
    const h = await hoverAt(uri, text, 'nn.Linear(latent_dim', 3);
    const fc = expectedLayer(ref, 'fc');
    assert.match(h, /\*\*Linear\*\* `fc` — `Decoder\(\)`/);
    assert.ok(h.includes(`\`${shape(fc.in)}\` → \`${shape(fc.out)}\``), h);
    assert.ok(h.includes(`| params | ${grouped(128 * 4096 + 4096)} `), h);
    assert.ok(h.includes(`| MACs | ${grouped(fc.macs)} `), h);
  });

  test('the loop line that builds three transposed convolutions: one row each', async () => {
    const h = await hoverAt(uri, text, 'nn.ConvTranspose2d(cin', 5);
    assert.match(h, /ConvTranspose2d\*\* — 3 layers/);
    for (const name of ['blocks.0', 'blocks.3', 'blocks.6']) assertLayerRow(h, expectedLayer(ref, name));
  });

  test('head.0: kernel, stride, padding, dilation, fractional rf and jump, MACs, uneven overlap', async () => {
    const h = await hoverAt(uri, text, 'nn.ConvTranspose2d(channels[-1]', 5);
    const head = expectedLayer(ref, 'head.0');
    assert.match(h, /\*\*ConvTranspose2d\*\* `head\.0`/);
    assert.ok(h.includes(`\`${shape(head.in)}\` → \`${shape(head.out)}\``), h);
    assert.ok(h.includes('| kernel · stride · padding · dilation | 3 · 2 · 1 · 1 |'), h);
    assert.ok(h.includes(`| receptive field | ${axes(head.rf)} |`), h);
    assert.ok(h.includes(`| jump | ${axes(head.jump)} |`), h);
    assert.ok(h.includes(`| MACs | ${grouped(head.macs)} `), h);
    const pattern = overlapPattern(3, 2, 1);
    assert.ok(h.includes(`[${pattern.join(', ')}] × [${pattern.join(', ')}]`), h);
    assert.ok(h.includes(`uneven, max/min ${Math.max(...pattern) ** 2}:${Math.min(...pattern) ** 2}`), h);
  });

  test('a tensor variable in forward: its shape at that line', async () => {
    const h = await hoverAt(uri, text, 'x = self.blocks(x)');
    assert.equal(h.split('\n')[0], `\`x\`: \`${shape(expectedLayer(ref, 'blocks.8').out)}\``);
  });

  test('a container call in forward: every layer in it, input → output', async () => {
    const h = await hoverAt(uri, text, 'self.blocks(x)', 6);
    const first = expectedLayer(ref, 'blocks.0');
    const last = expectedLayer(ref, 'blocks.8');
    assert.ok(h.includes(`\`blocks\` — 9 layers · \`${shape(first.in)}\` → \`${shape(last.out)}\``), h);
    assert.ok(h.includes(`rf ${axes(last.rf)} · jump ${axes(last.jump)}`), h);
  });

  test('the model class: published-style totals', async () => {
    const h = await hoverAt(uri, text, 'class Decoder', 7);
    assert.ok(h.startsWith(`**Decoder()** — ${grouped(ref.params)} (`), h);
    assert.ok(h.includes(`${grouped(ref.macs)} (`), h);
    assert.ok(h.includes(`\`${shape(ref.input)}\` → \`${shape(ref.outputs[0])}\``), h);
    assert.ok(h.includes('from the `# convlens: input=` comment'), h);
  });
});

describe('ResNet-50 (input from the __main__ block)', () => {
  const uri = fixtureUri('resnet_main.py');
  const text = fixtureText('resnet_main.py');
  const ref = expected('resnet_resnet50');
  before(async () => {
    await client.open(uri, text);
  });

  test('the model class: torchvision\'s published parameter count and MACs', async () => {
    const h = await hoverAt(uri, text, 'class ResNet', 7);
    assert.ok(h.startsWith('**ResNet()** — 25,557,032 (25.6M) params · 4,089,184,256 (4.09G) MACs'), h);
    assert.ok(h.includes('`1×3×224×224` → `1×1000`'), h);
  });

  test('the stem convolution', async () => {
    const h = await hoverAt(uri, text, 'nn.Conv2d(3, self.inplanes', 3);
    const conv1 = expectedLayer(ref, 'conv1');
    assert.ok(h.includes(`\`${shape(conv1.in)}\` → \`${shape(conv1.out)}\``), h);
    assert.ok(h.includes('| kernel · stride · padding · dilation | 7 · 2 · 3 · 1 |'), h);
    assert.ok(h.includes(`| MACs | ${grouped(conv1.macs)} `), h);
    assert.ok(h.includes(`| params | ${grouped(64 * 3 * 7 * 7)} `), h);
  });

  test('a helper function used 16 times: every instance as a table, folded', async () => {
    const h = await hoverAt(uri, text, 'def conv3x3', 5);
    assert.match(h, /Conv2d\*\* — 16 layers/);
    for (const name of ['layer1.0.conv2', 'layer2.0.conv2', 'layer3.0.conv2']) assertLayerRow(h, expectedLayer(ref, name));
    assert.match(h, /… 4 more rows/);
  });

  test('the helper call line in a block: the same 16 layers', async () => {
    const h = await hoverAt(uri, text, 'conv3x3(width, width', 2);
    assert.match(h, /Conv2d\*\* — 16 layers/);
    assertLayerRow(h, expectedLayer(ref, 'layer1.0.conv2'));
  });

  test('a block class: one row per instance with its input → output', async () => {
    const h = await hoverAt(uri, text, 'class Bottleneck', 7);
    assert.match(h, /\*\*16 instances\*\*/);
    for (const instance of ['layer1.0', 'layer2.0', 'layer3.1']) {
      const inside = ref.layers.filter((l) => l.name?.startsWith(`${instance}.`) && !l.name.includes('downsample'));
      const cells = tableRow(h, instance);
      assert.ok(cells, `${instance} row in:\n${h}`);
      assert.ok(cells.includes(`${shape(inside[0].in)} → ${shape(inside[inside.length - 1].out)}`), cells.join(' | '));
      assert.ok(cells.includes(axes(inside[inside.length - 1].rf)), cells.join(' | '));
    }
  });

  test('a stage called in forward: its input → output, rf and jump', async () => {
    const h = await hoverAt(uri, text, 'self.layer1(x)', 6);
    const inside = ref.layers.filter((l) => l.name?.startsWith('layer1.'));
    const last = inside[inside.length - 1];
    assert.ok(h.includes(`\`layer1\` — ${inside.length} layers · \`${shape(inside[0].in)}\` → \`${shape(last.out)}\``), h);
    assert.ok(h.includes(`rf ${axes(last.rf)} · jump ${axes(last.jump)}`), h);
  });

  test('a module call inside a block\'s forward: that module in every block', async () => {
    const h = await hoverAt(uri, text, 'out = self.conv1(x)', 12);
    assert.match(h, /Conv2d\*\* — 16 layers/);
    assertLayerRow(h, expectedLayer(ref, 'layer1.0.conv1'));
    assertLayerRow(h, expectedLayer(ref, 'layer3.1.conv1'));
  });

  test('a variable after flatten', async () => {
    const h = await hoverAt(uri, text, 'x = torch.flatten');
    assert.equal(h, '`x`: `1×2048`');
  });
});

describe('U-Net (input 1×3×256×256): functional calls', () => {
  const uri = fixtureUri('unet.py');
  const text = withInputs(fixtureText('unet.py'), { UNet: [1, 3, 256, 256] });
  const ref = expected('unet_UNet');
  before(async () => {
    await client.open(uri, text);
  });

  test('torch.cat in Up.forward: one row per Up instance, output = the next convolution\'s input', async () => {
    const h = await hoverAt(uri, text, 'torch.cat([x2, x1]', 7);
    for (const up of ['up1', 'up2', 'up3', 'up4']) {
      const next = expectedLayer(ref, `${up}.conv.double_conv.0`);
      assert.ok(h.includes(`→ ${shape(next.in)} |`), `${up}: ${shape(next.in)} in\n${h}`);
    }
  });

  test('a call of an Up block in forward', async () => {
    const h = await hoverAt(uri, text, 'self.up1(x5, x4)', 6);
    const inside = ref.layers.filter((l) => l.name?.startsWith('up1.'));
    // The reference lists modules only; Up.forward also calls F.pad and torch.cat.
    assert.ok(h.includes(`\`up1\` — ${inside.length + 2} layers · \`${shape(inside[0].in)}\` → \`${shape(inside[inside.length - 1].out)}\``), h);
  });
});

describe('DCGAN discriminator (input 1×3×64×64)', () => {
  const uri = fixtureUri('dcgan.py');
  const text = withInputs(fixtureText('dcgan.py'), { Generator: [1, 100, 1, 1], Discriminator: [1, 3, 64, 64] });
  const ref = expected('dcgan_Discriminator');
  before(async () => {
    await client.open(uri, text);
  });

  test('each argument line of nn.Sequential is its own layer', async () => {
    const first = await hoverAt(uri, text, 'nn.Conv2d(nc, ndf', 3);
    const main0 = expectedLayer(ref, 'main.0');
    assert.match(first, /\*\*Conv2d\*\* `main\.0` — `Discriminator\(\)`/);
    assert.ok(first.includes(`\`${shape(main0.in)}\` → \`${shape(main0.out)}\``), first);
    assert.ok(first.includes(`| receptive field | ${axes(main0.rf)} |`), first);
    const last = await hoverAt(uri, text, 'nn.Conv2d(ndf * 8, 1', 3);
    const main11 = expectedLayer(ref, 'main.11');
    assert.match(last, /`main\.11`/);
    assert.ok(last.includes(`\`${shape(main11.in)}\` → \`${shape(main11.out)}\``), last);
    assert.ok(last.includes(`| jump | ${axes(main11.jump)} |`), last);
  });
});
