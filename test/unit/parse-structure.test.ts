// The structure of whole files, with CPython's `ast` as the oracle: generated model files in the
// style of library code (multi-line signatures with float defaults such as `0.`, conditional
// expressions, decorators, docstrings, comments, files with and without a final newline) must give
// the same top-level classes and functions, and the same methods in each class, as CPython reads.
// (A repaired reading of `0.` once reused stale parse fragments and nested later classes inside
// earlier ones, silently, in files without a final newline.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parsePython } from '../../server/src/engine/python/parse';
import type { PyModule } from '../../server/src/engine/python/ast';
import { prng } from '../support/prng';

function generateFile(seed: number): string {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const floats = ['0.', '1.', '0.5', '1e-5', '.02', '2.'];
  const out: string[] = ['import torch', 'import torch.nn as nn', ''];
  if (r() < 0.5) out.push("__all__ = ['Net']", '');
  const classes = 2 + Math.floor(r() * 6);
  for (let c = 0; c < classes; c++) {
    out.push('', '');
    if (r() < 0.2) out.push('@some_decorator');
    out.push(`class Part${c}(nn.${pick(['Module', 'Sequential'])}):`);
    if (r() < 0.6) out.push('    """', `    Part ${c}: a block.`, '    Input: [B, C, H, W]', '    """');
    const methods = 1 + Math.floor(r() * 4);
    for (let m = 0; m < methods; m++) {
      if (m > 0 && r() < 0.7) out.push('');
      if (r() < 0.3) out.push('    @torch.jit.ignore');
      if (r() < 0.6) {
        out.push(`    def method${m}(`, '            self,');
        const params = 1 + Math.floor(r() * 5);
        for (let p = 0; p < params; p++) {
          out.push(`            p${p}: ${pick(['int', 'float', 'bool', 'Optional[int]'])} = ${pick([...floats, 'None', 'True', '3'])},`);
        }
        if (r() < 0.5) out.push('            **kwargs,');
        out.push(`    )${r() < 0.5 ? ' -> torch.Tensor' : ''}:`);
      } else {
        out.push(`    def method${m}(self, x: torch.Tensor, rate: float = ${pick(floats)}) -> torch.Tensor:`);
      }
      const lines = 1 + Math.floor(r() * 5);
      for (let l = 0; l < lines; l++) {
        const line = pick([
          `        self.a${l} = nn.Dropout(rate) if rate > ${pick(floats)} else nn.Identity()`,
          `        x = x * ${pick(floats)} + ${pick(floats)}`,
          '        # a comment',
          `        dd = {'device': None, 'dtype': None}`,
          `        y = [v * ${pick(floats)} for v in range(3)]`,
          '        if x is not None:\n            x = x + 1.',
        ]);
        out.push(line);
      }
      out.push('        return x');
    }
  }
  out.push('', '');
  const functions = Math.floor(r() * 4);
  for (let f = 0; f < functions; f++) {
    if (r() < 0.6) out.push('@register');
    out.push(`def build${f}(pretrained: bool = False, **kwargs) -> Part0:`);
    out.push(`    args = dict(width=${pick(floats)}, depth=[1, 2, 3])`);
    out.push(`    return Part0(**dict(args, **kwargs))`);
    out.push('');
  }
  const text = out.join('\n');
  return r() < 0.5 ? text.replace(/\n+$/, '') : `${text.replace(/\n+$/, '')}\n`;
}

interface Shape {
  top: string[];
  methods: Record<string, string[]>;
}

function ourShape(m: PyModule): Shape {
  const top: string[] = [];
  const methods: Record<string, string[]> = {};
  for (const s of m.body) {
    if (s.kind === 'FunctionDef') top.push(s.name);
    if (s.kind === 'ClassDef') {
      top.push(s.name);
      methods[s.name] = s.body.filter((b) => b.kind === 'FunctionDef' || b.kind === 'ClassDef').map((b) => (b as { name: string }).name);
    }
  }
  return { top, methods };
}

const CPYTHON_SHAPES = `
import ast, json, sys
out = []
for text in json.load(sys.stdin):
    tree = ast.parse(text)
    top, methods = [], {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.append(node.name)
        if isinstance(node, ast.ClassDef):
            methods[node.name] = [b.name for b in node.body if isinstance(b, (ast.FunctionDef, ast.ClassDef))]
    out.append({'top': top, 'methods': methods})
print(json.dumps(out))
`;

test('generated library-style files: the same classes, functions and methods as CPython reads', () => {
  const files = Array.from({ length: 400 }, (_, i) => generateFile(i + 1));
  const expected = JSON.parse(execFileSync('python3', ['-c', CPYTHON_SHAPES], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 1 << 26 })) as Shape[];
  const wrong: number[] = [];
  files.forEach((text, i) => {
    const m = parsePython(text);
    if (JSON.stringify(ourShape(m)) !== JSON.stringify(expected[i])) wrong.push(i + 1);
  });
  assert.deepEqual(wrong, [], `seeds whose structure differs from CPython's: ${wrong.slice(0, 10).join(', ')}`);
});
