// Code lenses, inlay hints and diagnostics over the real protocol, on the fixtures: numbers from
// the PyTorch references in fixtures/expected, warnings where DESIGN.md's overlap rule says
// (k mod s ≠ 0 with dilation 1) and nowhere else, and the settings that turn things off.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DiagnosticSeverity, type CodeLens } from 'vscode-languageserver/node';
import { LspClient, fixtureUri, positionOf } from './lspClient';
import { expected, expectedLayer, fixtureText, shape, withInputs } from './fixtureText';

let client: LspClient;
before(async () => {
  client = await LspClient.start({ initializationOptions: { setInputShapeCommand: 'convlens.setInputShape' } });
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

function linesOf(text: string, needle: string): number[] {
  return text.split('\n').flatMap((line, i) => (line.includes(needle) ? [i] : []));
}

function lensTitles(lenses: CodeLens[], line: number): string[] {
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

/** A lens's reading of an exact value from the references: `1/2` → `≈0.5` (three significant digits). */
function approx(v: number | string): string {
  const text = String(v);
  if (!text.includes('/')) return text;
  const [a, b] = text.split('/').map(Number);
  return `≈${Number((a / b).toPrecision(3))}`;
}

function human(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n >= 1e9 ? [n / 1e9, 'G'] : n >= 1e6 ? [n / 1e6, 'M'] : [n / 1e3, 'K'];
  return `${Number(value.toPrecision(3))}${unit}`;
}

describe('VAE decoder', () => {
  const uri = fixtureUri('vae_decoder.py');
  const text = withInputs(fixtureText('vae_decoder.py'), { Decoder: [2, 128], ResizeConvDecoder: [2, 128] });
  const ref = expected('vae_decoder_Decoder');
  const resize = expected('vae_decoder_ResizeConvDecoder');
  const resizeClass = text.indexOf('class ResizeConvDecoder');
  const decoderLines = linesOf(text.slice(0, resizeClass), 'nn.ConvTranspose2d(');
  before(async () => {
    await client.open(uri, text);
  });

  test('uneven-overlap warnings on every transposed convolution of Decoder (k=3, s=2), at the call', () => {
    const diagnostics = client.diagnostics.get(uri)?.diagnostics ?? [];
    const uneven = diagnostics.filter((d) => d.code === 'uneven-overlap');
    assert.equal(decoderLines.length, 2);
    assert.deepEqual([...new Set(uneven.map((d) => d.range.start.line))], decoderLines);
    // The loop line builds three layers: one diagnostic, ×3, naming them in the golden's order; the
    // head line has its own and the stack's compound warning.
    const loopLayers = ref.layers.filter((l) => l.type === 'ConvTranspose2d' && !String(l.name).startsWith('head.')).map((l) => String(l.name));
    assert.equal(loopLayers.length, 3);
    const onLoopLine = uneven.filter((d) => d.range.start.line === decoderLines[0]);
    assert.equal(onLoopLine.length, 1);
    assert.ok(String(onLoopLine[0].message).startsWith(`ConvTranspose2d ×3 [${loopLayers.join(', ')}] (kernel 3×3, stride 2×2) overlaps unevenly`), String(onLoopLine[0].message));
    assert.equal(uneven.filter((d) => d.range.start.line === decoderLines[1]).length, 2);
    for (const d of uneven) {
      assert.equal(d.severity, DiagnosticSeverity.Warning);
      assert.equal(d.source, 'convlens');
      assert.equal(d.range.start.character, text.split('\n')[d.range.start.line].indexOf('nn.ConvTranspose2d('));
      const href = d.codeDescription?.href ?? '';
      // The link lands on the README's Diagnostics heading (VS Code opens file links at #L<line>).
      const [, line] = /README\.md#L(\d+)$/.exec(href) ?? [];
      assert.ok(line, href);
      assert.equal(readFileSync(fileURLToPath(href.replace(/#.*$/, '')), 'utf8').split('\n')[Number(line) - 1], '## Diagnostics');
      assert.ok(existsSync(fileURLToPath(href.replace(/#.*$/, ''))), href);
    }
    // ResizeConvDecoder has no transposed convolution and no warning.
    assert.ok(uneven.every((d) => d.range.start.line < text.slice(0, resizeClass).split('\n').length - 1));
  });

  test('the status counts what the Problems view shows: the grouped diagnostic once', async () => {
    const published = client.diagnostics.get(uri)?.diagnostics ?? [];
    const status = await client.nextStatus(uri, 1);
    const warnings = published.filter((d) => d.severity === DiagnosticSeverity.Warning).length;
    // 1 for the loop line (×3) + 2 on the head line; the report itself holds 5.
    assert.equal(warnings, 3);
    assert.equal(status.warnings, warnings);
    assert.equal(status.errors, published.filter((d) => d.severity === DiagnosticSeverity.Error).length);
  });

  test('code lenses: model summary (click: set input), per-layer numbers, the checkerboard warning', async () => {
    const lenses = await client.codeLenses(uri);
    const classLine = positionOf(text, 'class Decoder').line;
    const [modelLens] = lenses.filter((l) => l.range.start.line === classLine);
    assert.equal(modelLens.command?.title, `${human(ref.params)} params · ${human(ref.macs)} MACs · 2×128 → ${shape(ref.outputs[0])}`);
    assert.equal(modelLens.command?.command, 'convlens.setInputShape');
    assert.deepEqual(modelLens.command?.arguments, [{ uri, line: classLine, shape: '2,128', model: 'Decoder()' }]);

    const head = expectedLayer(ref, 'head.0');
    // The warning first (a narrow editor cuts the end of the line); the ratio as the diagnostic words it.
    assert.deepEqual(lensTitles(lenses, decoderLines[1]), [
      '⚠ uneven overlap, max/min 4:1 — checkerboard',
      `→ ${shape(head.out.slice(1))} · rf ${approx(head.rf[0])} · jump ${approx(head.jump[0])} · ${human(32 * 32 * 3 * 3 + 32)} params`,
    ]);
    const [b0, b6] = [expectedLayer(ref, 'blocks.0'), expectedLayer(ref, 'blocks.6')];
    const loop = lensTitles(lenses, decoderLines[0]);
    assert.equal(loop[0], '⚠ uneven overlap, max/min 4:1 — checkerboard');
    assert.equal(loop[1], `×3 · → ${shape(b0.out.slice(1))} … ${shape(b6.out.slice(1))} · rf ${approx(b0.rf[0])} … ${approx(b6.rf[0])} · jump ${approx(b0.jump[0])} … ${approx(b6.jump[0])} · 387K params`);

    const out = expectedLayer(resize, 'out');
    assert.deepEqual(lensTitles(lenses, positionOf(text, 'self.out = nn.Conv2d').line), [
      `→ ${shape(out.out.slice(1))} · rf ${approx(out.rf[0])} · jump ${approx(out.jump[0])} · ${human(32 * 3 * 9 + 3)} params`,
    ]);
  });

  test('inlay hints: the shape after each tensor assignment in forward', async () => {
    const hints = await client.inlayHints(uri, WHOLE);
    const at = (needle: string) => {
      const p = positionOf(text, needle);
      return hints.filter((h) => h.position.line === p.line).map((h) => ({ character: h.position.character, label: h.label }));
    };
    assert.deepEqual(at('x = self.fc(z).view(-1'), [{ character: 9, label: `: ${shape(expectedLayer(ref, 'blocks.0').in)}` }]);
    assert.deepEqual(at('x = self.blocks(x)'), [{ character: 9, label: `: ${shape(expectedLayer(ref, 'blocks.8').out)}` }]);
    const ups = ['ups.0.2', 'ups.1.2', 'ups.2.2'].map((n) => shape(expectedLayer(resize, n).out));
    // One shape per hint (the first run's, then how many others); every run in the tooltip.
    assert.equal(new Set(ups).size, 3);
    assert.deepEqual(at('x = up(x)'), [{ character: 13, label: `: ${ups[0]} (+2)` }]);
    const upHint = hints.find((h) => h.position.line === positionOf(text, 'x = up(x)').line);
    assert.deepEqual(upHint?.tooltip, { kind: 'markdown', value: ups.join(', ') });
    // Only the requested range.
    const first = positionOf(text, 'x = self.fc(z)').line;
    const ranged = await client.inlayHints(uri, { start: { line: first, character: 0 }, end: { line: first, character: 80 } });
    assert.equal(ranged.length, 1);
  });
});

describe('DCGAN: kernel 4, stride 2 overlaps evenly', () => {
  const uri = fixtureUri('dcgan.py');
  const text = withInputs(fixtureText('dcgan.py'), { Generator: [1, 100, 1, 1], Discriminator: [1, 3, 64, 64] });
  const ref = expected('dcgan_Generator');
  before(async () => {
    await client.open(uri, text);
  });

  test('no uneven-overlap warning anywhere, and the transposed convolutions are analysed', async () => {
    const diagnostics = client.diagnostics.get(uri)?.diagnostics ?? [];
    assert.deepEqual(diagnostics.filter((d) => d.code === 'uneven-overlap'), []);
    const lenses = await client.codeLenses(uri);
    const lines = linesOf(text, 'nn.ConvTranspose2d(');
    assert.equal(lines.length, 5);
    const outs = ['main.0', 'main.3', 'main.6', 'main.9', 'main.12'].map((n) => shape(expectedLayer(ref, n).out.slice(1)));
    lines.forEach((line, i) => {
      const titles = lensTitles(lenses, line);
      assert.equal(titles.length, 1, `one lens, no warning, on line ${line + 1}: ${titles}`);
      assert.ok(titles[0].startsWith(`→ ${outs[i]} · `), titles[0]);
    });
  });
});

describe('errors, gridding, unknown code, and the settings', () => {
  const mismatchUri = fixtureUri('scratch_mismatch.py');
  const mismatch = [
    'import torch',
    'from torch import nn',
    '',
    '',
    'class Merge(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.a = nn.Conv2d(3, 8, 3, stride=2, padding=1)',
    '        self.b = nn.Conv2d(3, 8, 3, dilation=2, padding=2)',
    '        self.c = nn.Conv2d(8, 8, 3, dilation=4, padding=4)',
    '',
    '    def forward(self, x):',
    '        y = torch.cat([self.a(x), self.b(x)], dim=1)',
    '        z = self.c(self.b(x))',
    '        w = mystery.transform(z)',
    '        return z',
    '',
  ].join('\n');

  test('a torch.cat of unequal sizes: a warning on a guessed input (it says so), an error on a declared one', async () => {
    // Declared input: the shape error is the model's.
    const declaredUri = fixtureUri('scratch_mismatch_declared.py');
    const declared = mismatch.replace('class Merge', '# convlens: input=(1, 3, 224, 224)\nclass Merge');
    await client.open(declaredUri, declared);
    const declaredCat = (client.diagnostics.get(declaredUri)?.diagnostics ?? []).find((d) => d.code === 'shape-mismatch' && d.range.start.line === 13);
    assert.ok(declaredCat);
    assert.equal(declaredCat.severity, DiagnosticSeverity.Error);
    // Guessed input (the file says nothing): at most a warning, and the message says it was a guess.
    await client.open(mismatchUri, mismatch);
    const diagnostics = client.diagnostics.get(mismatchUri)?.diagnostics ?? [];
    const cat = diagnostics.find((d) => d.code === 'shape-mismatch' && d.range.start.line === 12);
    assert.ok(cat, JSON.stringify(diagnostics));
    assert.equal(cat.severity, DiagnosticSeverity.Warning);
    assert.match(String(cat.message), /the input 1×3×224×224 was a guess/);
    const grid = diagnostics.find((d) => d.code === 'gridding');
    assert.ok(grid, JSON.stringify(diagnostics));
    assert.equal(grid.severity, DiagnosticSeverity.Warning);
    // `unknown` only when the setting asks for it, and the status bar does not count what is hidden.
    assert.equal(diagnostics.filter((d) => d.code === 'unknown').length, 0);
    const status = await client.nextStatus(mismatchUri, 1);
    assert.equal(status.warnings, diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning).length);
    assert.equal(status.errors, 0);
  });

  test('convlens.diagnostics.unknown: unknown code as hints', async () => {
    const next = client.nextDiagnostics(mismatchUri, 1);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { convlens: { diagnostics: { unknown: true } } } });
    const { diagnostics } = await next;
    const unknown = diagnostics.filter((d) => d.code === 'unknown');
    assert.ok(unknown.length >= 1, JSON.stringify(diagnostics));
    assert.ok(unknown.every((d) => d.severity === DiagnosticSeverity.Hint));
    assert.ok(unknown.some((d) => d.range.start.line === 14), JSON.stringify(unknown));
  });

  test('convlens.codeLens.enable and convlens.inlayHints.enable turn them off', async () => {
    const uri = fixtureUri('vae_decoder.py');
    assert.ok((await client.codeLenses(uri)).length > 0);
    assert.ok((await client.inlayHints(uri, WHOLE)).length > 0);
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { convlens: { codeLens: { enable: false }, inlayHints: { enable: false } } },
    });
    assert.deepEqual(await client.codeLenses(uri), []);
    assert.deepEqual(await client.inlayHints(uri, WHOLE), []);
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
      settings: { convlens: { codeLens: { enable: true }, inlayHints: { enable: true } } },
    });
    assert.ok((await client.codeLenses(uri)).length > 0);
  });
});

describe('settings pulled with workspace/configuration, as VS Code provides them', () => {
  test('the server asks for "convlens" and follows what it gets, also after a change', async () => {
    let settings: unknown = { codeLens: { enable: false }, inlayHints: { enable: true } };
    const pulling = await LspClient.start({ configuration: () => settings });
    try {
      const uri = fixtureUri('dcgan.py');
      const first = await pulling.open(uri, fixtureText('dcgan.py'));
      const discriminator = (s: typeof first) => s.models.find((m) => m.name === 'Discriminator()')!;
      const generator = (s: typeof first) => s.models.find((m) => m.name === 'Generator()')!;
      assert.deepEqual(await pulling.codeLenses(uri), []);
      // Inputs guessed from the first layer, at the default image size.
      assert.deepEqual(discriminator(first).inputs, [[1, 3, 224, 224]]);

      // VS Code sends an empty notification; the server pulls again and re-analyses.
      settings = { codeLens: { enable: true }, defaultImageSize: 64 };
      // A status from an analysis started before the change may still be on its way: wait for
      // the one that reflects the new settings (bounded).
      const statusWhere = async (ok: (s: typeof first) => boolean): Promise<typeof first> => {
        for (let attempt = 0; ; attempt++) {
          const s = await pulling.futureStatus(uri);
          if (ok(s) || attempt >= 4) return s;
        }
      };
      let next = statusWhere((s) => discriminator(s).inputs[0]?.[2] === 64);
      await pulling.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      let status = await next;
      assert.ok((await pulling.codeLenses(uri)).length > 0);
      assert.deepEqual(discriminator(status).inputs, [[1, 3, 64, 64]]);
      assert.deepEqual(discriminator(status).outputs, expected('dcgan_Discriminator').outputs);

      // defaultInputShape replaces guessed inputs.
      settings = { defaultInputShape: '1,100,1,1' };
      next = statusWhere((s) => generator(s).inputs[0]?.[1] === 100);
      await pulling.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      status = await next;
      assert.deepEqual(generator(status).inputs, [[1, 100, 1, 1]]);
      assert.deepEqual(generator(status).outputs, expected('dcgan_Generator').outputs);
    } finally {
      assert.equal(await pulling.stop(), 0);
    }
  });
});

describe('modules built in __init__ that forward never calls (style fixture with unused heads)', () => {
  // Parameters from real PyTorch: the golden's `uncalled` field (scripts/golden/trace_models.py).
  const file = join(__dirname, '../fixtures/styles/pymod_unused_heads.py');
  const uri = pathToFileURL(file).toString();
  const text = readFileSync(file, 'utf8');
  const golden = JSON.parse(readFileSync(join(__dirname, '../golden/torch/style_pymod_unused_heads_CifarNetWithAux.json'), 'utf8')) as {
    uncalled: { name: string; params: number }[];
  };
  const paramsOf = (name: string) => golden.uncalled.find((u) => u.name === name)!.params;
  before(async () => {
    await client.open(uri, text);
  });

  test('the lens says "not called in forward" with the parameters', async () => {
    const lenses = await client.codeLenses(uri);
    assert.deepEqual(lensTitles(lenses, positionOf(text, 'self.unused_linear = nn.Linear').line), [`not called in forward · ${paramsOf('unused_linear')} params`]);
    assert.deepEqual(lensTitles(lenses, positionOf(text, 'self.fc = nn.Linear(32, num_classes)').line), [`not called in forward · ${paramsOf('aux.fc')} params`]);
  });

  test('the hover says so instead of shapes', async () => {
    const p = positionOf(text, 'nn.Linear(7, 3)');
    const hover = await client.hoverText(uri, p.line, p.character + 3);
    assert.match(hover, /not called in forward/);
    assert.match(hover, new RegExp(`\\b${paramsOf('unused_linear')}\\b`));
  });
});

describe('a block shared by two models: inlay hints name the model', () => {
  const uri = fixtureUri('shared_block_hints.py');
  const text = [
    'import torch.nn as nn',
    '',
    '',
    'class Block(nn.Module):',
    '    def __init__(self, c):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(c, c, 3, padding=1)',
    '',
    '    def forward(self, x):',
    '        y = self.conv(x)',
    '        return y',
    '',
    '',
    '# convlens: input=(1, 8, 16, 16)',
    'class Small(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.b = Block(8)',
    '',
    '    def forward(self, x):',
    '        return self.b(x)',
    '',
    '',
    '# convlens: input=(1, 16, 32, 32)',
    'class Large(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.b = Block(16)',
    '',
    '    def forward(self, x):',
    '        return self.b(x)',
    '',
  ].join('\n');

  test('one shape, +1, the first model named; both in the tooltip', async () => {
    await client.open(uri, text);
    const line = positionOf(text, 'y = self.conv(x)').line;
    const hints = (await client.inlayHints(uri, WHOLE)).filter((h) => h.position.line === line);
    // A 3×3 convolution with padding 1 keeps the size: each model's input shape comes out.
    assert.deepEqual(hints.map((h) => ({ character: h.position.character, label: h.label })), [{ character: 9, label: ': 1×8×16×16 (+1) · Small()' }]);
    assert.deepEqual(hints[0].tooltip, { kind: 'markdown', value: 'Small(): 1×8×16×16\n\nLarge(): 1×16×32×32' });
  });
});
