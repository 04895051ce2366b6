// Quick fixes over the real protocol: each edit the server offers is applied, and the engine,
// run here on the edited text, must find the warning gone and every output shape unchanged;
// the server, sent the same edit as a didChange, must drop the warning too. Plus the
// input-shape directive, `convlens/layerAt` and the layer-table command.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Command, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport } from '../../server/src/engine/report';
import { SERVER_COMMANDS } from '../../server/src/lsp/protocol';
import { LspClient, fixturePath, fixtureUri, positionOf } from './lspClient';
import { expected, fixtureText, withInputs } from './fixtureText';

let client: LspClient;
const applied: { label?: string; edit: { changes?: Record<string, TextEdit[]> } }[] = [];
before(async () => {
  client = await LspClient.start();
  client.connection.onRequest('workspace/applyEdit', (params: (typeof applied)[number]) => {
    applied.push(params);
    return { applied: true };
  });
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

const file = fixturePath('vae_decoder.py');
const uri = fixtureUri('vae_decoder.py');
/** `387K`, `1.21G`: three significant digits, as the editor writes counts. */
function human(n: number): string {
  if (n < 1000) return String(n);
  const [value, unit] = n >= 1e9 ? [n / 1e9, 'G'] : n >= 1e6 ? [n / 1e6, 'M'] : [n / 1e3, 'K'];
  return `${Number(value.toPrecision(3))}${unit}`;
}

const original = withInputs(fixtureText('vae_decoder.py'), { Decoder: [2, 128] });

function analyse(text: string): FileReport {
  return analyzeFile({ file, text, readFile: () => null });
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), edits);
}

function isAction(a: CodeAction | Command): a is CodeAction {
  return 'edit' in a || 'kind' in a;
}

function editsOf(action: CodeAction, of = uri): TextEdit[] {
  const edits = action.edit?.changes?.[of];
  assert.ok(edits && edits.length, `${action.title} has edits`);
  return edits;
}

/** Every model's outputs and every layer's output shape, by path (renamed where a fix renames). */
function outputShapes(report: FileReport, rename: (path: string) => string = (p) => p): Map<string, string> {
  const shapes = new Map<string, string>();
  for (const m of report.models) {
    shapes.set(`${m.name} outputs`, JSON.stringify(m.outputs));
    for (const l of m.layers) if (l.kind === 'module') shapes.set(`${m.name} ${rename(l.path)}`, JSON.stringify(l.out));
  }
  return shapes;
}

function unevenAt(report: FileReport, line: number): number {
  return report.diagnostics.filter((d) => d.code === 'uneven-overlap' && d.line === line).length;
}

/** Sends edits the way an editor does: one didChange, changes from the end of the file up. */
async function sendEdits(version: number, edits: TextEdit[]): Promise<Diagnostic[]> {
  const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  const published = client.nextDiagnostics(uri, version);
  await client.change(uri, version, ordered.map((e) => ({ range: e.range, text: e.newText })));
  return (await published).diagnostics;
}

describe('uneven overlap in the VAE decoder', () => {
  let diagnostics: Diagnostic[] = [];
  let afterLoopFix = '';
  const loopLine = positionOf(original, 'nn.ConvTranspose2d(cin').line;
  const headLine = positionOf(original, 'nn.ConvTranspose2d(channels[-1]').line;
  before(async () => {
    await client.open(uri, original);
    diagnostics = client.diagnostics.get(uri)!.diagnostics;
  });

  async function actionsOn(line: number): Promise<CodeAction[]> {
    const here = diagnostics.filter((d) => d.range.start.line === line && d.code === 'uneven-overlap');
    assert.ok(here.length > 0);
    return (await client.codeActions(uri, here[0].range, here)).filter(isAction);
  }

  test('"Use kernel_size=4": the engine finds the warning gone and every output shape unchanged', async () => {
    const actions = await actionsOn(loopLine);
    const fix = actions.find((a) => a.title.startsWith('Use kernel_size=4'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    assert.equal(fix.kind, 'quickfix');
    // The title says what else changes, worked out from the PyTorch reference's layers: 3×3 → 4×4
    // adds C_in·C_out·7 weights per layer and (input elements)·C_out·7 MACs (DESIGN.md).
    const ref = expected('vae_decoder_Decoder');
    const loopLayers = ref.layers.filter((l) => l.type === 'ConvTranspose2d' && !String(l.name).startsWith('head.'));
    assert.equal(loopLayers.length, 3);
    const dParams = loopLayers.reduce((a, l) => a + l.in[1] * l.out[1] * 7, 0);
    const dMacs = loopLayers.reduce((a, l) => a + l.in.reduce((x, y) => x * y, 1) * l.out[1] * 7, 0);
    assert.ok(fix.title.endsWith(` · +${human(dParams)} params, +${human(dMacs)} MACs · same state_dict keys, new weight shapes`), fix.title);
    // The loop line's three layers are one diagnostic (×3), cured as a whole.
    const cured = fix.diagnostics ?? [];
    assert.equal(cured.length, 1, JSON.stringify(cured));
    assert.deepEqual((cured[0].data as { paths?: string[] }).paths, ['blocks.0', 'blocks.3', 'blocks.6']);
    assert.match(String(cured[0].message), /^ConvTranspose2d ×3 \[blocks\.0, blocks\.3, blocks\.6\]/);
    const text = applyEdits(original, editsOf(fix));
    afterLoopFix = text;
    assert.equal(text.split('\n')[loopLine].trim(), 'nn.ConvTranspose2d(cin, cout, kernel_size=4, stride=2, padding=1),');
    const before = analyse(original);
    const after = analyse(text);
    assert.equal(unevenAt(before, loopLine + 1), 3);
    assert.equal(unevenAt(after, loopLine + 1), 0);
    assert.deepEqual(outputShapes(after), outputShapes(before));
    for (const path of ['blocks.0', 'blocks.3', 'blocks.6']) {
      const layer = after.models[0].layers.find((l) => l.path === path)!;
      assert.deepEqual(layer.kernel, [4, 4]);
      assert.ok(layer.overlap!.every((taps) => taps.every((t) => t === taps[0])), `${path} even: ${JSON.stringify(layer.overlap)}`);
    }
    // The server, sent the same edit, agrees.
    const published = await sendEdits(2, editsOf(fix));
    assert.equal(published.filter((d) => d.code === 'uneven-overlap' && d.range.start.line === loopLine).length, 0);
    assert.ok(published.some((d) => d.code === 'uneven-overlap' && d.range.start.line === headLine));
  });

  test('fixing the head too leaves no uneven overlap in the file', async () => {
    diagnostics = client.diagnostics.get(uri)!.diagnostics;
    const actions = await actionsOn(headLine);
    const fix = actions.find((a) => a.title.startsWith('Use kernel_size=4'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    const published = await sendEdits(3, editsOf(fix));
    assert.deepEqual(published.filter((d) => d.code === 'uneven-overlap'), []);
    // Same check with the engine on the final text.
    const final = analyse(applyEdits(afterLoopFix, editsOf(fix)));
    assert.deepEqual(final.diagnostics.filter((d) => d.code === 'uneven-overlap'), []);
    assert.deepEqual(outputShapes(final), outputShapes(analyse(original)));
  });

  test('"Replace with resize-convolution": forward still works, shapes unchanged, warning gone', async () => {
    const published = client.nextDiagnostics(uri, 20);
    await client.change(uri, 20, [{ text: original }]);
    diagnostics = (await published).diagnostics;
    const actions = await actionsOn(loopLine);
    const fix = actions.find((a) => a.title.startsWith('Replace with resize-convolution'));
    assert.ok(fix, actions.map((a) => a.title).join('\n'));
    const text = applyEdits(original, editsOf(fix));
    assert.equal(
      text.split('\n')[loopLine].trim(),
      "nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(cin, cout, kernel_size=3, padding=1)),",
    );
    const before = analyse(original);
    const after = analyse(text);
    assert.equal(unevenAt(after, loopLine + 1), 0);
    const replaced = new Set(['blocks.0', 'blocks.3', 'blocks.6']);
    // The transposed convolution `blocks.0` is now `blocks.0.0` (Upsample) and `blocks.0.1` (Conv2d).
    const expectedShapes = outputShapes(before, (p) => (replaced.has(p) ? `${p}.1` : p));
    const actual = outputShapes(after);
    for (const [key, value] of expectedShapes) assert.equal(actual.get(key), value, key);
    assert.equal(after.models[0].layers.find((l) => l.path === 'blocks.0.0')?.op, 'Upsample');
    // The title warns that pretrained checkpoints will not load as they are.
    assert.ok(fix.title.endsWith(' · state_dict keys move (blocks.0.weight → blocks.0.1.weight)'), fix.title);
  });

  test('"Set input shape here" writes the directive above the class; the command rewrites it in place', async () => {
    const plain = fixtureText('vae_decoder.py');
    const published = client.nextDiagnostics(uri, 30);
    await client.change(uri, 30, [{ text: plain }]);
    await published;
    const classLine = positionOf(plain, 'class Decoder').line;
    const actions = (await client.codeActions(uri, { start: { line: classLine, character: 6 }, end: { line: classLine, character: 6 } }, [])).filter(isAction);
    const set = actions.find((a) => a.title.startsWith('Set input shape here'));
    assert.ok(set, actions.map((a) => a.title).join('\n'));
    const before = analyse(plain).models.find((m) => m.name === 'Decoder()')!;
    assert.equal(before.inputSource, 'inferred');
    assert.equal(set.title, `Set input shape here: (${before.inputs[0].join(', ')})`);
    const text = applyEdits(plain, editsOf(set));
    assert.equal(text.split('\n')[classLine], `# convlens: input=(${before.inputs[0].join(', ')})`);
    const after = analyse(text).models.find((m) => m.name === 'Decoder()')!;
    assert.equal(after.inputSource, 'directive');
    assert.deepEqual(after.inputs, before.inputs);

    // The command the model lens runs: with a directive there, it is replaced, not duplicated.
    const withDirective = client.nextDiagnostics(uri, 31);
    await client.change(uri, 31, editsOf(set).map((e) => ({ range: e.range, text: e.newText })));
    await withDirective;
    applied.length = 0;
    const ok = await client.executeCommand(SERVER_COMMANDS.applyInputShape, [{ uri, line: classLine + 1, shape: '4,128' }]);
    assert.equal(ok, true);
    assert.equal(applied.length, 1);
    const final = applyEdits(text, applied[0].edit.changes![uri]);
    assert.equal(final.split('\n').filter((l) => l.includes('convlens: input=')).length, 1);
    assert.equal(final.split('\n')[classLine], '# convlens: input=(4, 128)');
    assert.deepEqual(analyse(final).models.find((m) => m.name === 'Decoder()')!.inputs, [[4, 128]]);
  });
});

describe('convlens/layerAt and the layer table', () => {
  const text = original;
  before(async () => {
    const published = client.nextDiagnostics(uri, 40);
    await client.change(uri, 40, [{ text }]);
    await published;
  });

  test('layerAt on a transposed convolution gives its report; on a blank line, null', async () => {
    const p = positionOf(text, 'nn.ConvTranspose2d(channels[-1]', 5);
    const layer = await client.layerAt(uri, p.line, p.character);
    assert.ok(layer);
    assert.equal(layer.path, 'head.0');
    assert.equal(layer.op, 'ConvTranspose2d');
    assert.deepEqual(layer.in, [[2, 32, 32, 32]]);
    assert.deepEqual(layer.overlap, [[1, 2], [1, 2]]);
    const blank = text.split('\n').findIndex((l) => l.trim() === '');
    assert.equal(await client.layerAt(uri, blank, 0), null);
  });

  test('the layer table command returns the CLI table of the document', async () => {
    const table = await client.executeCommand(SERVER_COMMANDS.layerTable, [{ uri }]);
    assert.equal(typeof table, 'string');
    assert.match(table as string, /Decoder\(\)/);
    assert.match(table as string, /blocks\.0\s+ConvTranspose2d\s+\[2, 128, 8, 8\]/);
    assert.match(table as string, /926,243/);
    assert.match(table as string, /^Trainable params: 926,243$/m);
  });

  test('the layer table folds to a depth when asked (convlens.layerTable.depth)', async () => {
    const table = (await client.executeCommand(SERVER_COMMANDS.layerTable, [{ uri, depth: 0 }])) as string;
    // One row: the model itself, all its parameters, every call folded into it.
    assert.match(table, /^\(root\)\s+Decoder\s+\(\d+ calls\)\s.*926K/m);
    assert.doesNotMatch(table, /^\s*blocks\.0\s/m);
  });
});

describe('a transposed convolution written one argument per line', () => {
  const multiUri = fixtureUri('multiline_up.py');
  const lines = [
    'import torch.nn as nn',
    '',
    '',
    'class Up(nn.Module):',
    '    # convlens: input=(1, 64, 8, 8)',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.up = nn.ConvTranspose2d(',
    '            64,',
    '            32,',
    '            3,',
    '            stride=2,',
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.up(x)',
    '',
  ];
  const text = lines.join('\n');
  const callLine = lines.indexOf('        self.up = nn.ConvTranspose2d(');

  test('the fixes keep one argument per line, indented as the author wrote them', async () => {
    await client.open(multiUri, text);
    const here = client.diagnostics.get(multiUri)!.diagnostics.filter((d) => d.code === 'uneven-overlap');
    assert.equal(here.length, 1, JSON.stringify(here));
    const actions = (await client.codeActions(multiUri, here[0].range, here)).filter(isAction);
    const kernel = actions.find((a) => a.title.startsWith('Use kernel_size=4'));
    assert.ok(kernel, actions.map((a) => a.title).join('\n'));
    // k3 s2 p0 gives 2L+1; k4 keeps it with padding 1 and output_padding 1: both new, each on its line.
    assert.equal(
      applyEdits(text, editsOf(kernel, multiUri)),
      [...lines.slice(0, callLine + 3), '            4,', '            stride=2,', '            padding=1,', '            output_padding=1,', ...lines.slice(callLine + 5)].join('\n'),
    );
    const resize = actions.find((a) => a.title.startsWith('Replace with resize-convolution'));
    assert.ok(resize, actions.map((a) => a.title).join('\n'));
    const replaced = applyEdits(text, editsOf(resize, multiUri)).split('\n');
    assert.deepEqual(replaced.slice(0, callLine), lines.slice(0, callLine));
    assert.deepEqual(replaced.slice(callLine + 4), lines.slice(callLine + 6));
    assert.deepEqual(replaced.slice(callLine, callLine + 2), ['        self.up = nn.Sequential(', "            nn.Upsample(scale_factor=2, mode='nearest'),"]);
    // Nearest ×2 gives 2L; a stride-1 convolution keeps the transposed one's 2L+1 when 2L + 2P − K + 1 = 2L + 1, K = 2P.
    const conv = /^ {12}nn\.Conv2d\(64, 32, kernel_size=(\d+), padding=(\d+)\),$/.exec(replaced[callLine + 2]);
    assert.ok(conv, replaced[callLine + 2]);
    assert.equal(Number(conv[1]), 2 * Number(conv[2]));
    assert.equal(replaced[callLine + 3], '        )');
  });
});
