// Circular imports with CPython as the oracle: each case writes a small package to a temp folder
// and asks CPython (`python3`, run by the test — never by ConvLens) what the user file's imports
// give: a width, or the exception and the innermost line of its traceback. ConvLens must give the
// same width with a complete model, or, where CPython raises, mark the model incomplete with a
// warning on the user file's import line and a hint where CPython raised (a partially initialised
// module; `ImportError` / `AttributeError` for a name not yet defined).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';

interface Case {
  name: string;
  /** Files relative to the project folder (the user file's folder, first on sys.path). */
  files: Record<string, string>;
  /** The user file's first lines: bind WIDTH (an int). Its first line is the import that matters. */
  imports: string;
}

const CASES: Case[] = [
  {
    name: 'a cycle where each module only binds the other: it resolves',
    files: {
      'pkg/__init__.py': '',
      'pkg/a.py': 'from pkg import b\nX = 3\ndef width():\n    return b.Y * X\n',
      'pkg/b.py': 'from pkg import a\nY = 5\n',
    },
    imports: 'from pkg import a\nWIDTH = a.width()\n',
  },
  {
    name: 'relative imports in a cycle, names read only inside functions: it resolves',
    files: {
      'pkg/__init__.py': '',
      'pkg/a.py': 'from . import b\nX = 3\ndef width():\n    return b.g() + X\n',
      'pkg/b.py': 'from . import a\ndef g():\n    return a.X * 2\n',
    },
    imports: 'from pkg.a import width\nWIDTH = width()\n',
  },
  {
    name: 'from-import of a name the partially initialised module has not defined yet: ImportError',
    files: {
      'pkg/__init__.py': '',
      'pkg/a.py': 'from pkg.b import Y\nX = 3\n',
      'pkg/b.py': 'from pkg.a import X\nY = X + 1\n',
    },
    imports: 'from pkg.a import X as WIDTH\n',
  },
  {
    name: 'an attribute of the partially initialised module read at import time: AttributeError',
    files: {
      'util.py': 'import layers\nBASE = 4\n',
      'layers.py': 'import util\nDOUBLE = util.BASE * 2\n',
    },
    imports: 'import util\nWIDTH = util.BASE\n',
  },
  {
    name: 'a cycle through a package __init__ that imports its own submodule',
    files: {
      'pkg/__init__.py': 'from .blocks import Block\nWIDTH = 6\n',
      'pkg/blocks.py': 'from pkg import WIDTH\nclass Block:\n    pass\n',
    },
    imports: 'from pkg import WIDTH\n',
  },
  {
    name: 'a circular ImportError caught by try/except ImportError takes the fallback, as in Python',
    files: {
      'pkg/__init__.py': '',
      'pkg/a.py': 'from pkg.b import Y\nX = 3\n',
      'pkg/b.py': 'try:\n    from pkg.a import X\nexcept ImportError:\n    X = 10\nY = X + 1\n',
    },
    imports: 'from pkg.a import X\nfrom pkg.b import Y\nWIDTH = X * Y\n',
  },
];

type CPythonResult = { width: number } | { error: string; file: string; line: number };

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

function cpython(proj: string, c: Case): CPythonResult {
  const program = [
    'import sys, json, traceback',
    `sys.path.insert(0, ${JSON.stringify(proj)})`,
    'try:',
    `    exec(${JSON.stringify(c.imports)})`,
    '    print(json.dumps({"width": WIDTH}))',
    'except Exception as e:',
    '    f = traceback.extract_tb(e.__traceback__)[-1]',
    '    print(json.dumps({"error": type(e).__name__, "file": f.filename, "line": f.lineno}))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-I', '-c', program], { cwd: proj, encoding: 'utf8' })) as CPythonResult;
}

for (const c of CASES) {
  test(c.name, () => {
    const proj = mkdtempSync(join(tmpdir(), 'convlens-circular-'));
    try {
      write(proj, c.files);
      const expected = cpython(proj, c);
      const file = join(proj, 'net.py');
      const text = `${c.imports}import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(1, WIDTH, 1, bias=False)\n    def forward(self, x):\n        return self.conv(x)\n`;
      writeFileSync(file, text);
      const report = analyzeFile({ file, text, ...nodeFileAccess(), searchPaths: [], model: 'Net()', inputs: [[1, 1, 4, 4]] });
      const model = report.models[0];
      assert.ok(model, JSON.stringify(report.diagnostics));
      const serious = report.diagnostics.filter((d) => d.severity !== 'hint');
      if ('width' in expected) {
        // A Conv2d(1, W, 1) without bias has W parameters.
        assert.deepEqual(serious, [], `CPython gives WIDTH = ${expected.width}`);
        assert.equal(model.incomplete, false);
        assert.equal(model.params, expected.width);
        return;
      }
      assert.equal(model.incomplete, true, `CPython raises ${expected.error}; ConvLens reported the model complete`);
      // The warning sits on the user file's first line, the import CPython's traceback starts at.
      const warning = serious.find((d) => d.file === file && d.line === 1);
      assert.ok(warning, `no warning on ${file}:1 — ${JSON.stringify(serious)}`);
      assert.equal(warning.severity, 'warning');
      assert.ok(warning.message.includes(expected.error), warning.message);
      assert.ok(warning.message.includes(`${expected.file}:${expected.line}`), `${warning.message} should name ${expected.file}:${expected.line}`);
      // The hint where CPython raised, with the same exception.
      assert.ok(report.diagnostics.some((d) => d.file === expected.file && d.line === expected.line && d.message.startsWith(`${expected.error}:`)),
        JSON.stringify(report.diagnostics));
    } finally {
      rmSync(proj, { recursive: true, force: true });
    }
  });
}
