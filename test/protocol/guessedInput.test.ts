// A CIFAR ResNet analysed on a guessed input over the real protocol: the errors the guess causes
// are warnings that say so, and their quick fixes offer the input the file's test() gives and the
// size the model runs on, never the guess again. Expected values: real PyTorch
// (scripts/golden/caller_inputs.py: what test() calls the model with; scripts/golden/valid_sizes.py:
// every size 1–512 the model runs on); the size chosen from them by the documented rule, here.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionRequest, CodeActionTriggerKind, DiagnosticSeverity, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import { analyzeFile } from '../../server/src/engine/analyze';
import { LspClient, ROOT, positionOf } from './lspClient';

const file = join(ROOT, 'test/fixtures/styles/guess_cifar_resnet.py');
const uri = pathToFileURL(file).toString();
const text = readFileSync(file, 'utf8');
const golden = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/golden/torch', name), 'utf8'));
const caller = (golden('callerinput_guess_cifar_resnet.json') as { calls: { function: string; line: number; class: string; shapes: number[][] }[] }).calls[0]!;
const sizes = golden('validsizes_guess_cifar_resnet_ResNet18.json') as { square: number[] };

/** The run of valid sizes nearest to 224, and in it the size divisible by the highest power of 2. */
function chosenSize(valid: number[], wanted: number): { size: number; run: [number, number] } {
  const runs: [number, number][] = [];
  for (const n of valid) {
    const last = runs[runs.length - 1];
    if (last && last[1] === n - 1) last[1] = n;
    else runs.push([n, n]);
  }
  const distance = ([a, b]: [number, number]) => (wanted < a ? a - wanted : wanted > b ? wanted - b : 0);
  const run = runs.reduce((best, r) => (distance(r) < distance(best) ? r : best));
  const twos = (n: number) => {
    let k = 0;
    while (n % 2 ** (k + 1) === 0) k++;
    return k;
  };
  let size = run[0];
  for (let n = run[0]; n <= run[1]; n++) if (twos(n) > twos(size)) size = n;
  return { size, run };
}

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

function actions(range: Diagnostic['range'], diagnostics: Diagnostic[], triggerKind?: CodeActionTriggerKind): Promise<CodeAction[]> {
  return client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri }, range, context: { diagnostics, ...(triggerKind ? { triggerKind } : {}) },
  }) as Promise<CodeAction[]>;
}

function edited(action: CodeAction): string {
  const edits = action.edit?.changes?.[uri] as TextEdit[];
  assert.ok(edits?.length, action.title);
  return TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), edits);
}

describe('quick fixes of a guessed input (CIFAR ResNet with a test())', () => {
  test('the warnings say the input was a guess; the fixes offer test()\'s input and the solved size, not the guess', async () => {
    const published = client.nextDiagnostics(uri, 1);
    await client.open(uri, text);
    const { diagnostics } = await published;
    const guessed = diagnostics.filter((d) => String(d.message).includes('was a guess'));
    assert.ok(guessed.length >= 2, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.ok(guessed.every((d) => d.severity === DiagnosticSeverity.Warning), 'a guess never gives an error');
    assert.ok(!diagnostics.some((d) => d.severity === DiagnosticSeverity.Error), JSON.stringify(diagnostics.map((d) => d.message)));
    const linearLine = positionOf(text, 'out = self.linear(out)').line;
    const atLinear = guessed.filter((d) => d.range.start.line === linearLine);
    assert.equal(atLinear.length, 1, JSON.stringify(guessed.map((d) => [d.range.start.line, d.message])));
    assert.match(String(atLinear[0]!.message), /Linear expects 512 input features but got 25088/);

    // The light bulb's own request: what needs no extra run (test()'s input) only.
    const automatic = await actions(atLinear[0]!.range, atLinear, CodeActionTriggerKind.Automatic);
    const fromTest = `Set input ${caller.shapes.map((s) => s.join('×')).join(', ')} (as ${caller.function}() on line ${caller.line} calls ${caller.class})`;
    assert.deepEqual(automatic.map((a) => a.title), [fromTest]);

    // Asked for (Ctrl+.): the size every size 1–512 solves the guess to, too.
    const { size, run } = chosenSize(sizes.square, 224);
    assert.deepEqual(run, [sizes.square[0], sizes.square[sizes.square.length - 1]], 'one run of sizes');
    const solved = `Set input 1×3×${size}×${size} (ResNet18() runs on H, W: ${run[0]}–${run[1]}; the guessed 224×224 fails at linear (Linear 512→10))`;
    const invoked = await actions(atLinear[0]!.range, atLinear, CodeActionTriggerKind.Invoked);
    assert.deepEqual(invoked.map((a) => a.title), [fromTest, solved]);
    assert.equal(invoked[0]!.isPreferred, true);
    assert.ok(invoked.every((a) => a.diagnostics?.length === 1 && a.diagnostics[0]!.message === atLinear[0]!.message));

    // The class line (the "does not run on the input" warning): the same two, never the guess.
    const classLine = positionOf(text, 'class ResNet(').line;
    const atClass = guessed.filter((d) => d.range.start.line === classLine);
    assert.equal(atClass.length, 1);
    const onClass = await actions(atClass[0]!.range, atClass);
    assert.deepEqual(onClass.map((a) => a.title), [fromTest, solved]);
    assert.ok(!onClass.some((a) => /224/.test(a.title.split('(')[0]!)), 'the wrong guess is not offered again');

    // Each edit: the directive right above `class ResNet(`, and the engine runs the model on it
    // without a warning; Linear(512, 10) gives batch × 10.
    const expectedInputs = [caller.shapes, [[1, 3, size, size]]];
    invoked.forEach((action, i) => {
      const after = edited(action);
      const lines = after.split('\n');
      assert.equal(lines[classLine], `# convlens: input=${expectedInputs[i]!.map((s) => `(${s.join(', ')})`).join('; ')}`);
      assert.equal(lines[classLine + 1], 'class ResNet(nn.Module):');
      // A generous clock: the bound is the editor's, and this machine may be loaded.
      const report = analyzeFile({ file, text: after, readFile: () => null, timeLimitMs: 60_000 });
      const model = report.models.find((m) => m.name === 'ResNet18()')!;
      assert.equal(model.inputSource, 'directive');
      assert.deepEqual(model.inputs, expectedInputs[i]);
      assert.deepEqual(model.outputs, [[expectedInputs[i]![0]![0]!, 10]]);
      assert.equal(model.incomplete, false);
      assert.deepEqual(report.diagnostics.filter((d) => d.severity === 'warning' || d.severity === 'error').map((d) => d.message), []);
    });
  });
});
