// Full ranges (line and character, start and end) of lenses, hovers, inlay hints and diagnostics,
// on a multi-line constructor call and calls inside nn.Sequential(...). Every expected range is
// found in the source text here (the call's text from its name to its closing parenthesis), never
// taken from ConvLens's output.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Position, Range } from 'vscode-languageserver/node';
import { LspClient, fixtureUri } from './lspClient';

let client: LspClient;
before(async () => {
  client = await LspClient.start();
});
after(async () => {
  assert.equal(await client.stop(), 0);
});

const text = [
  'import torch.nn as nn',
  '',
  '',
  '# convlens: input=(1, 8, 16, 16)',
  'class Net(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.up = nn.ConvTranspose2d(',
  '            8,',
  '            8,',
  '            kernel_size=3,',
  '            stride=2,',
  '        )',
  '        self.body = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(),',
  '                                  nn.Conv2d(8, 4, 1))',
  '',
  '    def forward(self, x):',
  '        y = self.up(x)',
  '        return self.body(y)',
  '',
].join('\n');

function position(offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** The span of the call whose text starts with `head` (the `occurrence`-th), through its closing parenthesis. */
function callSpan(head: string, occurrence = 1): Range {
  let from = -1;
  for (let i = 0; i < occurrence; i++) from = text.indexOf(head, from + 1);
  assert.ok(from >= 0, head);
  let depth = 0;
  for (let i = text.indexOf('(', from); i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return { start: position(from), end: position(i + 1) };
  }
  throw new Error(`no closing parenthesis for ${head}`);
}

const at = (p: Position): Range => ({ start: p, end: p });
const uri = fixtureUri('ranges_multiline.py');

describe('ranges on a multi-line call and calls inside nn.Sequential', () => {
  before(async () => {
    await client.open(uri, text);
  });

  test('the uneven-overlap warning covers the whole multi-line call, from its name to its closing parenthesis', () => {
    const uneven = client.diagnostics.get(uri)!.diagnostics.filter((d) => d.code === 'uneven-overlap');
    assert.deepEqual(uneven.map((d) => d.range), [callSpan('nn.ConvTranspose2d(')]);
  });

  test('lenses sit at the start of each call (empty ranges): the multi-line one, the Sequential\'s layers, the class', async () => {
    const lenses = await client.codeLenses(uri);
    const starts = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
    const expected = [
      at(position(text.indexOf('class Net'))),
      at(callSpan('nn.ConvTranspose2d(').start),
      at(callSpan('nn.Conv2d(', 1).start),
      at(callSpan('nn.ReLU(').start),
      at(callSpan('nn.Conv2d(', 2).start),
    ];
    assert.deepEqual([...new Set(lenses.map((l) => starts(l.range)))].sort(), expected.map(starts).sort());
  });

  test('a hover anywhere in a call gives that call\'s range; inside nn.Sequential, the inner call\'s', async () => {
    const cases: [string, Range][] = [
      ['            kernel_size=3,', callSpan('nn.ConvTranspose2d(')],
      ['padding=1', callSpan('nn.Conv2d(', 1)],
      ['nn.ReLU(', callSpan('nn.ReLU(')],
      ['8, 4, 1', callSpan('nn.Conv2d(', 2)],
    ];
    for (const [needle, range] of cases) {
      const p = position(text.indexOf(needle) + needle.length - 2);
      const hover = await client.hover(uri, p.line, p.character);
      assert.ok(hover, needle);
      assert.deepEqual(hover.range, range, needle);
    }
  });

  test('inlay hints sit right after the assigned name', async () => {
    const hints = await client.inlayHints(uri, { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } });
    const y = text.indexOf('y = self.up(x)');
    // (16 − 1)·2 + 3 = 33 per axis.
    assert.deepEqual(
      hints.map((h) => ({ position: h.position, label: h.label })),
      [{ position: position(y + 1), label: ': 1×8×33×33' }],
    );
  });
});
