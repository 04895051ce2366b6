// Quick fixes that must be refused, over the real protocol. A fix is offered only when the edited
// text, analysed again, keeps every output shape and cures the warnings it claims to: here the
// edit would also break a stride-3 layer built by the same helper, make an `output_size=` call
// invalid, or change a later layer built from the fixed layer's attributes. A control file where
// the same helper is used with stride 2 only shows the fix offered, and for every fix offered the
// diagnostics it removes are exactly those it lists, and no other diagnostic changes.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Command, Diagnostic, TextEdit } from 'vscode-languageserver/node';
import { LspClient, fixtureUri } from './lspClient';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

function isAction(a: CodeAction | Command): a is CodeAction {
  return 'edit' in a || 'kind' in a;
}

const OVERLAP_FIX = /^(Use kernel_size=|Replace with resize-convolution)/;

/** A diagnostic as the editor shows it, independent of the order the server sends them in. */
function key(d: Diagnostic): string {
  return JSON.stringify([d.code, d.severity, d.range, d.message]);
}

async function diagnosticsOf(uri: string): Promise<Diagnostic[]> {
  return client.diagnostics.get(uri)!.diagnostics;
}

/** The overlap fixes offered for every uneven-overlap diagnostic of the document. */
async function overlapFixes(uri: string): Promise<{ diagnostic: Diagnostic; fixes: CodeAction[] }[]> {
  const all = await diagnosticsOf(uri);
  const out: { diagnostic: Diagnostic; fixes: CodeAction[] }[] = [];
  for (const d of all.filter((x) => x.code === 'uneven-overlap')) {
    // As an editor asks: with every diagnostic at that place, so a fix can list all it cures.
    const here = all.filter((x) => x.range.start.line <= d.range.end.line && x.range.end.line >= d.range.start.line);
    const actions = (await client.codeActions(uri, d.range, here)).filter(isAction);
    out.push({ diagnostic: d, fixes: actions.filter((a) => OVERLAP_FIX.test(a.title)) });
  }
  return out;
}

let version = 10;
/** Applies the fix in the server (one didChange with the edit's result) and checks the editor's
 *  diagnostics: exactly those the fix lists are gone, every other one is still there, none new. */
async function assertExactCure(uri: string, text: string, fix: CodeAction): Promise<void> {
  const before = await diagnosticsOf(uri);
  const edits: TextEdit[] = fix.edit?.changes?.[uri] ?? [];
  assert.ok(edits.length, fix.title);
  const edited = TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), edits);
  const v = ++version;
  const published = client.nextDiagnostics(uri, v);
  await client.change(uri, v, [{ text: edited }]);
  const afterFix = (await published).diagnostics;
  const cured = new Set((fix.diagnostics ?? []).map(key));
  assert.ok(cured.size > 0, `${fix.title} lists the diagnostics it cures`);
  for (const d of before) assert.ok(before.some((b) => key(b) === key(d)));
  const expected = before.filter((d) => !cured.has(key(d))).map(key).sort();
  // The fix edits one call on its own line: no other diagnostic moves.
  assert.deepEqual(afterFix.map(key).sort(), expected, fix.title);
  // Back to the original text for the next fix.
  const w = ++version;
  const restored = client.nextDiagnostics(uri, w);
  await client.change(uri, w, [{ text }]);
  assert.deepEqual((await restored).diagnostics.map(key).sort(), before.map(key).sort());
}

const helper = (strides: number[]) =>
  [
    'import torch.nn as nn',
    '',
    '',
    'def up(cin, cout, stride):',
    '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1, output_padding=stride - 1)',
    '',
    '',
    '# convlens: input=(1, 8, 8, 8)',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    ...strides.map((s, i) => `        self.up${i} = up(8, 8, ${s})`),
    '',
    '    def forward(self, x):',
    ...strides.map((_, i) => `        x = self.up${i}(x)`),
    '        return x',
    '',
  ].join('\n');

describe('a helper that builds transposed convolutions', () => {
  test('with stride 2 only: both fixes offered, each cures exactly the diagnostics it lists', async () => {
    const uri = fixtureUri('refusal_helper_control.py');
    const text = helper([2, 2]);
    await client.open(uri, text);
    const found = await overlapFixes(uri);
    // The helper's line: the layers' own warning (×2) and the stack's compound one.
    assert.equal(found.length, 2, JSON.stringify(await diagnosticsOf(uri)));
    const own = found.find((f) => String(f.diagnostic.message).startsWith('ConvTranspose2d ×2 [up0, up1]'))!;
    const titles = own.fixes.map((f) => f.title);
    assert.ok(titles.some((t) => t.startsWith('Use kernel_size=4')), titles.join('\n'));
    assert.ok(titles.some((t) => t.startsWith('Replace with resize-convolution')), titles.join('\n'));
    for (const { fixes } of found) for (const fix of fixes) await assertExactCure(uri, text, fix);
  });

  test('with stride 2 and stride 3: no fix, since the same edit breaks the stride-3 layer', async () => {
    const uri = fixtureUri('refusal_helper_strides.py');
    const text = helper([2, 3]);
    await client.open(uri, text);
    const found = await overlapFixes(uri);
    // k3 s2 overlaps unevenly, k3 s3 evenly: the stride-2 layer's own warning and the stack's.
    assert.deepEqual(found.map((f) => (f.diagnostic.data as { path?: string }).path).sort(), ['up0', 'up1']);
    assert.deepEqual(found.flatMap((f) => f.fixes.map((x) => x.title)), []);
  });
});

describe('a transposed convolution called with output_size=', () => {
  const lines = (size: number) => [
    'import torch.nn as nn',
    '',
    '',
    '# convlens: input=(1, 8, 8, 8)',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.up = nn.ConvTranspose2d(8, 8, kernel_size=3, stride=2, padding=1)',
    '',
    '    def forward(self, x):',
    `        return self.up(x, output_size=[${size}, ${size}])`,
    '',
  ];

  test('no resize-convolution (nn.Sequential takes no output_size); a kernel fix only if it cures exactly', async () => {
    for (const size of [15, 16]) {
      const uri = fixtureUri(`refusal_output_size_${size}.py`);
      const text = lines(size).join('\n');
      await client.open(uri, text);
      const found = await overlapFixes(uri);
      assert.equal(found.length, 1, JSON.stringify(await diagnosticsOf(uri)));
      const titles = found[0].fixes.map((f) => f.title);
      assert.ok(!titles.some((t) => t.startsWith('Replace with resize-convolution')), titles.join('\n'));
      for (const fix of found[0].fixes) await assertExactCure(uri, text, fix);
    }
  });
});

describe('a later layer built from the fixed layer', () => {
  test('no fix when the edit would change the next layer (its kernel is read from the transposed one)', async () => {
    const uri = fixtureUri('refusal_later_layer.py');
    const text = [
      'import torch.nn as nn',
      '',
      '',
      '# convlens: input=(1, 8, 8, 8)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.up = nn.ConvTranspose2d(8, 8, kernel_size=3, stride=2, padding=1, output_padding=1)',
      '        self.post = nn.Conv2d(8, 8, kernel_size=self.up.kernel_size, padding=1)',
      '',
      '    def forward(self, x):',
      '        return self.post(self.up(x))',
      '',
    ].join('\n');
    await client.open(uri, text);
    const found = await overlapFixes(uri);
    assert.equal(found.length, 1, JSON.stringify(await diagnosticsOf(uri)));
    assert.deepEqual(found[0].fixes.map((f) => f.title), []);
  });
});
