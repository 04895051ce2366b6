// The text the ▶ Analyse command pre-fills from a signature, the parameters it refuses to leave
// unfilled, and the directive edit. Expected values are worked by hand from Python's rules for
// parameter lists (a bare `*`, `/`, `*args`, `**kwargs`, annotations, defaults with commas).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { modelDirectiveEdit, signatureTemplate, unfilledParameters } from '../../server/src/lsp/modelChoice';

test('signature → every parameter by name, defaults as written, ... where required', () => {
  assert.deepEqual(signatureTemplate('ResnetGenerator(input_nc, output_nc, ngf=64, norm_layer=nn.BatchNorm2d, use_dropout=False, n_blocks=6, padding_type=\'reflect\')'), {
    expression: "ResnetGenerator(input_nc=..., output_nc=..., ngf=64, norm_layer=nn.BatchNorm2d, use_dropout=False, n_blocks=6, padding_type='reflect')",
    required: ['input_nc', 'output_nc'],
  });
  assert.deepEqual(signatureTemplate('Net(a: int, sizes: tuple = (1, 2), *args, scale: float = 0.5, **kwargs)'), {
    expression: 'Net(a=..., sizes=(1, 2), scale=0.5)',
    required: ['a'],
  });
  assert.deepEqual(signatureTemplate('Net(x, /, y=1, *, z)'), { expression: 'Net(..., y=1, z=...)', required: ['x', 'z'] });
  assert.deepEqual(signatureTemplate("Net(sep=',', eq: str = 'a=b')"), { expression: "Net(sep=',', eq='a=b')", required: [] });
  assert.equal(signatureTemplate('not a signature'), null);
});

test('unfilled parameters are the ones still written ...', () => {
  assert.deepEqual(unfilledParameters('ResnetGenerator(input_nc=..., output_nc=3, ngf=64)'), ['input_nc']);
  assert.deepEqual(unfilledParameters('Net(..., y=1)'), ['…']);
  assert.deepEqual(unfilledParameters("Net(x=3, s='...')"), []);
});

test('the directive goes right above the class, or replaces the model= line there (its input= kept)', () => {
  const text = 'import torch\n\nclass A(nn.Module):\n    pass\n';
  const doc = TextDocument.create('file:///a.py', 'python', 1, text);
  assert.deepEqual(modelDirectiveEdit(doc, 2, 'A(3)', '\n'), { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, newText: '# convlens: model=A(3)\n' });
  const withOld = TextDocument.create('file:///a.py', 'python', 1, '# convlens: model=A(1) input=1,3,8,8\n# a comment\n    class A(nn.Module):\n');
  assert.deepEqual(modelDirectiveEdit(withOld, 2, 'A(3)', '\n'), { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 36 } }, newText: '    # convlens: model=A(3) input=1,3,8,8' });
});
