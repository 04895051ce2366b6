// Choosing models in the editor, over the real protocol, on the project fixtures of
// test/fixtures/projects (a U-Net split into a model file and a parts file with a train.py; a file
// of generators and losses with a train.py): the ▶ Analyse lens and its hover on a class that needs
// arguments, the directive the server writes, block call sites' aggregated lenses (×N counts
// instances), and a file of parts shown through the model that imports it. Params and shapes come
// from real PyTorch (test/golden/torch/project_pychoice_*, scripts/golden/project_models.py);
// receptive fields are hand-worked (rf += (k − 1)·jump, jump ×= stride).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens, TextEdit } from 'vscode-languageserver/node';
import { SERVER_COMMANDS, UPSAMPLING_PATH_REQUEST, type ChooseModelArgs, type UpsamplingPathResult } from '../../server/src/lsp/protocol';
import { LspClient, ROOT } from './lspClient';

const PROJECTS = resolve(ROOT, 'test/fixtures/projects');
const CHOOSE = 'test.chooseModel';

interface GoldenLayer { name: string; type: string; in: number[][]; out: number[][]; params: number }
function golden(name: string): { input: number[][]; layers: GoldenLayer[] } {
  const g = JSON.parse(readFileSync(resolve(ROOT, 'test/golden/torch', `${name}.json`), 'utf8')) as { input: number[][]; layers: GoldenLayer[] };
  // Functional rows have no module name.
  return { ...g, layers: g.layers.filter((l) => typeof l.name === 'string') };
}

function human(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n >= 1e9 ? [n / 1e9, 'G'] : n >= 1e6 ? [n / 1e6, 'M'] : [n / 1e3, 'K'];
  return `${Number(value.toPrecision(3))}${unit}`;
}

function paramsUnder(layers: GoldenLayer[], prefix: string): number {
  return layers.filter((l) => l.name === prefix || l.name.startsWith(`${prefix}.`)).reduce((a, l) => a + l.params, 0);
}

function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  return line;
}

function lensesAt(lenses: CodeLens[], line: number): CodeLens[] {
  return lenses.filter((l) => l.range.start.line === line);
}

async function start(project: string, inputShape: string): Promise<LspClient> {
  return LspClient.start({
    initializationOptions: {
      chooseModelCommand: CHOOSE,
      settings: { defaultInputShape: inputShape },
      pythonEnvironment: { workspaceFolders: [resolve(PROJECTS, project)], scopes: [] },
    },
  });
}

describe('U-Net split into a model file and a parts file (train.py builds UNet(n_channels=3, n_classes=2))', () => {
  const ref = golden('project_pychoice_unet_UNet_n_channels_3_n_classes_2_bilinear_False');
  const modelPath = resolve(PROJECTS, 'pychoice_unet/unet/unet_model.py');
  const partsPath = resolve(PROJECTS, 'pychoice_unet/unet/unet_parts.py');
  const modelText = readFileSync(modelPath, 'utf8');
  const partsText = readFileSync(partsPath, 'utf8');
  const modelUri = pathToFileURL(modelPath).toString();
  const partsUri = pathToFileURL(partsPath).toString();
  let client: LspClient;
  before(async () => {
    client = await start('pychoice_unet', ref.input.map((s) => s.join(',')).join(';'));
    await client.open(modelUri, modelText);
    await client.open(partsUri, partsText);
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  test('a block call site gets one aggregated lens: Down: 64→128, its output, rf, params of down1', async () => {
    const lenses = await client.codeLenses(modelUri);
    const line = lineOf(modelText, 'self.down1 = Down(64, 128)');
    const character = modelText.split('\n')[line]!.indexOf('Down(');
    const at = lensesAt(lenses, line);
    assert.equal(at.length, 1);
    assert.deepEqual(at[0]!.range, { start: { line, character }, end: { line, character } });
    const last = ref.layers.filter((l) => l.name.startsWith('down1.')).at(-1)!;
    // inc: two 3×3 convolutions (rf 5, jump 1); MaxPool2d(2): 6, jump 2; two 3×3: 10, 14.
    assert.equal(at[0]!.command?.title, `Down: 64→128 · → ${last.out[0]!.slice(1).join('×')} · rf 14 · jump 2 · ${human(paramsUnder(ref.layers, 'down1'))} params`);
    const up = lensesAt(lenses, lineOf(modelText, 'self.up4 = Up('));
    const upLast = ref.layers.filter((l) => l.name.startsWith('up4.')).at(-1)!;
    assert.equal(up.length, 1);
    assert.match(up[0]!.command!.title, new RegExp(`^Up: 128→64 · → ${upLast.out[0]!.slice(1).join('×')} · rf \\d+ · jump 1 · ${human(paramsUnder(ref.layers, 'up4')).replace('.', '\\.')} params$`));
  });

  test('the parts file is analysed through the model of the file that imports it: ×N counts instances', async () => {
    const lenses = await client.codeLenses(partsUri);
    const line = lineOf(partsText, 'self.up = nn.ConvTranspose2d(');
    const character = partsText.split('\n')[line]!.indexOf('nn.ConvTranspose2d(');
    const at = lensesAt(lenses, line);
    const ups = ref.layers.filter((l) => /^up\d\.up$/.test(l.name));
    assert.equal(ups.length, 4);
    assert.equal(at.length, 1);
    assert.deepEqual(at[0]!.range, { start: { line, character }, end: { line, character } });
    const total = ups.reduce((a, l) => a + l.params, 0);
    assert.match(at[0]!.command!.title, new RegExp(`^×4 · → ${ups[0]!.out[0]!.slice(1).join('×')} … ${ups[3]!.out[0]!.slice(1).join('×')} · .* · ${human(total).replace('.', '\\.')} params$`));
    // The preview finds the up-sampling layer under the cursor there.
    const path = (await client.connection.sendRequest(UPSAMPLING_PATH_REQUEST, { uri: partsUri, position: { line, character: character + 5 } })) as UpsamplingPathResult;
    assert.ok(path);
    assert.equal(path.layer.op, 'ConvTranspose2d');
    assert.deepEqual(path.layer.out, ups[0]!.out);
    // DoubleConv's instances in Up: one lens, ×4 instances (not ×24 leaf layers).
    const conv = lensesAt(lenses, lineOf(partsText, 'self.conv = DoubleConv(in_channels, out_channels)'));
    assert.equal(conv.length, 1);
    const convTotal = [1, 2, 3, 4].reduce((a, i) => a + paramsUnder(ref.layers, `up${i}.conv`), 0);
    assert.match(conv[0]!.command!.title, new RegExp(`^×4 DoubleConv · .* · ${human(convTotal).replace('.', '\\.')} params$`));
  });

  test('the model file re-analyses when the parts file changes', async () => {
    const line = lineOf(partsText, 'self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1)');
    const from = partsText.split('\n')[line]!.indexOf('kernel_size=1');
    const waiting = client.futureStatus(modelUri);
    await client.change(partsUri, 2, [{ range: { start: { line, character: from }, end: { line, character: from + 'kernel_size=1'.length } }, text: 'kernel_size=3, padding=1' }]);
    const status = await waiting;
    const outc = ref.layers.find((l) => l.name === 'outc.conv')!;
    // 64·2·(3·3 − 1) more weights than the golden's 1×1.
    assert.equal(status.models[0]!.params, ref.layers.reduce((a, l) => a + l.params, 0) + 64 * 2 * 8);
    assert.equal(outc.params, 64 * 2 + 2);
  });

  test('the parts file re-analyses when the model file changes', async () => {
    const line = lineOf(modelText, 'self.down4 = Down(512, 1024 // factor)');
    const waiting = client.futureStatus(partsUri);
    // UNet without down4's block: the parts file now shows 3 Down instances.
    await client.change(modelUri, 2, [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' }]);
    await waiting;
    const lenses = await client.codeLenses(partsUri);
    const maxpool = lensesAt(lenses, lineOf(partsText, 'self.maxpool_conv = nn.Sequential('));
    assert.ok(maxpool.some((l) => /^×3 DoubleConv · /.test(l.command!.title)), maxpool.map((l) => l.command!.title).join('\n'));
  });
});

describe('generators and losses with a train.py', () => {
  const ref = golden('project_pychoice_pix2pix_ResnetGenerator_3_3_64_norm_layer_nn_InstanceNorm2d_n_blocks_9');
  const path = resolve(PROJECTS, 'pychoice_pix2pix/models/networks.py');
  const text = readFileSync(path, 'utf8');
  const uri = pathToFileURL(path).toString();
  let client: LspClient;
  const applied: { edit: { changes?: Record<string, TextEdit[]> } }[] = [];
  before(async () => {
    client = await start('pychoice_pix2pix', ref.input.map((s) => s.join(',')).join(';'));
    client.connection.onRequest('workspace/applyEdit', (params: (typeof applied)[number]) => {
      applied.push(params);
      return { applied: true };
    });
    await client.open(uri, text);
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
  });

  test('▶ Analyse on the class that needs arguments, with the signature and the project\'s calls', async () => {
    const lenses = await client.codeLenses(uri);
    const line = lineOf(text, 'class GANLoss(nn.Module):');
    const at = lensesAt(lenses, line);
    assert.equal(at.length, 1);
    assert.deepEqual(at[0]!.range, { start: { line, character: 0 }, end: { line, character: 0 } });
    assert.equal(at[0]!.command?.title, '▶ Analyse GANLoss(…)');
    assert.equal(at[0]!.command?.command, CHOOSE);
    const args = at[0]!.command!.arguments![0] as ChooseModelArgs;
    assert.equal(args.line, line);
    assert.equal(args.signature, 'GANLoss(gan_mode, target_real_label=1.0, target_fake_label=0.0)');
    assert.ok(args.calls.some((c) => c.expression === "GANLoss('lsgan')" && c.line === 11 && c.literal));
    // Models built as train.py builds them have no ▶ lens.
    assert.equal(lenses.filter((l) => l.command?.title.startsWith('▶')).length, 1);
  });

  test('the hover on such a class says why it is not shown', async () => {
    const line = lineOf(text, 'class GANLoss(nn.Module):');
    const hover = await client.hoverText(uri, line, 8);
    assert.match(hover, /\*\*GANLoss\*\* is not analysed: the project builds it with constant arguments \(`GANLoss\('lsgan'\)`, train\.py:11\), but it has no first layer/);
    assert.match(hover, /`GANLoss\(gan_mode, target_real_label=1\.0, target_fake_label=0\.0\)`/);
  });

  test('a class built in a loop gets one lens: ×9 ResnetBlock with their params', async () => {
    const lenses = await client.codeLenses(uri);
    const line = lineOf(text, 'model += [ResnetBlock(');
    const at = lensesAt(lenses, line);
    assert.equal(at.length, 1);
    const blocks = [...new Set(ref.layers.filter((l) => l.name.includes('.conv_block.')).map((l) => l.name.split('.conv_block.')[0]!))];
    assert.equal(blocks.length, 9);
    const total = blocks.reduce((a, b) => a + paramsUnder(ref.layers, b), 0);
    assert.match(at[0]!.command!.title, new RegExp(`^×9 ResnetBlock · → .* · ${human(total).replace('.', '\\.')} params$`));
  });

  test('choosing writes the directive above the class and keeps the other models with directives of their own', async () => {
    const line = lineOf(text, 'class GANLoss(nn.Module):');
    assert.equal(await client.executeCommand(SERVER_COMMANDS.applyModel, [{ uri, line, expression: "GANLoss('vanilla')" }]), true);
    const edits = applied.at(-1)!.edit.changes![uri]!;
    const after = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, text), edits);
    const lines = after.split('\n');
    const ganLine = lines.findIndex((l) => l.startsWith('class GANLoss'));
    assert.equal(lines[ganLine - 1], "# convlens: model=GANLoss('vanilla')");
    const gen = lines.findIndex((l) => l.startsWith('class ResnetGenerator'));
    assert.equal(lines[gen - 1], '# convlens: model=ResnetGenerator(3, 3, 64, norm_layer=nn.InstanceNorm2d, n_blocks=9)');
    const disc = lines.findIndex((l) => l.startsWith('class NLayerDiscriminator'));
    assert.equal(lines[disc - 1], '# convlens: model=NLayerDiscriminator(6, 64, n_layers=3)');
    await assert.rejects(client.executeCommand(SERVER_COMMANDS.applyModel, [{ uri, line, expression: 'not a call' }]), /not a call/);
  });
});
