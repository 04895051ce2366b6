// Which file an import finds, with CPython as the oracle: each case writes a small tree of
// packages to a temp folder, asks CPython (`python3`, run by the test — never by ConvLens) what the
// import statements give, and asks ConvLens the same through the width of a convolution built
// from the imported value. Regular packages, namespace packages split over two search-path
// entries, module vs package precedence, relative imports, `import a.b.c as d`, star imports with
// `__all__`, `importlib.import_module`, and `try: … except ImportError:` fallbacks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { SearchPathEntry } from '../../server/src/engine/report';
import { nodeFileAccess } from '../../server/src/pythonEnvironment/fileAccess';

interface Case {
  name: string;
  /** Files relative to the temp folder. */
  files: Record<string, string>;
  /** Folders (relative) on the search path, in order, after the user file's own folder. */
  path: string[];
  /** Statements binding WIDTH (an int) in the user file `proj/net.py`. */
  imports: string;
}

const CASES: Case[] = [
  {
    name: 'a namespace package split over two entries: submodules from either portion',
    files: {
      'a/basicsr/models/archs/arch_util.py': 'WIDTH = 5\n',
      'b/basicsr/models/losses.py': 'WIDTH = 7\n',
    },
    path: ['a', 'b'],
    imports: 'from basicsr.models.archs.arch_util import WIDTH as W1\nfrom basicsr.models.losses import WIDTH as W2\nWIDTH = W1 * 10 + W2\n',
  },
  {
    name: 'a regular package on a later entry wins over a namespace portion on an earlier one',
    files: {
      'a/pkg/mod.py': 'WIDTH = 3\n',
      'b/pkg/__init__.py': '',
      'b/pkg/mod.py': 'WIDTH = 9\n',
    },
    path: ['a', 'b'],
    imports: 'from pkg.mod import WIDTH\n',
  },
  {
    name: 'a package folder wins over a module of the same name in the same folder',
    files: {
      'a/thing/__init__.py': 'WIDTH = 4\n',
      'a/thing.py': 'WIDTH = 6\n',
    },
    path: ['a'],
    imports: 'from thing import WIDTH\n',
  },
  {
    name: 'the first entry that has the module wins',
    files: {
      'a/cfg.py': 'WIDTH = 11\n',
      'b/cfg.py': 'WIDTH = 13\n',
    },
    path: ['a', 'b'],
    imports: 'import cfg\nWIDTH = cfg.WIDTH\n',
  },
  {
    name: 'import a.b.c as d, and relative imports inside the package',
    files: {
      'a/model/__init__.py': '',
      'a/model/resnet.py': 'from .layers import base\nfrom . import layers\nWIDTH = base.WIDTH + layers.EXTRA\n',
      'a/model/layers/__init__.py': 'EXTRA = 2\n',
      'a/model/layers/base.py': 'from ..consts import BASE\nWIDTH = BASE * 2\n',
      'a/model/consts.py': 'BASE = 6\n',
    },
    path: ['a'],
    imports: 'import model.resnet as models\nWIDTH = models.WIDTH\n',
  },
  {
    name: 'star imports follow __all__',
    files: {
      'a/zoo.py': "__all__ = ['WIDTH']\nWIDTH = 8\nHIDDEN = 100\n",
    },
    path: ['a'],
    imports: "from zoo import *\nWIDTH = WIDTH + (1 if 'HIDDEN' in dir() else 0)\n",
  },
  {
    name: 'importlib.import_module with a literal name',
    files: {
      'a/plugins/__init__.py': '',
      'a/plugins/wide.py': 'WIDTH = 12\n',
    },
    path: ['a'],
    imports: "import importlib\nWIDTH = importlib.import_module('plugins.wide').WIDTH\n",
  },
  {
    name: 'try/except ImportError takes the fallback when the first module is missing',
    files: {
      'a/fallback.py': 'WIDTH = 14\n',
    },
    path: ['a'],
    imports: 'try:\n    from fancy_missing_lib import WIDTH\nexcept ImportError:\n    from fallback import WIDTH\n',
  },
];

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

function cpythonWidth(root: string, c: Case): number {
  // As when the user file runs as a script: its folder first, then the entries (isolated mode: no
  // PYTHONPATH, no user site).
  const program = `import sys\nsys.path[0:0] = ${JSON.stringify([join(root, 'proj'), ...c.path.map((p) => join(root, p))])}\n${c.imports}print(WIDTH)\n`;
  return Number(execFileSync('python3', ['-I', '-c', program], { cwd: join(root, 'proj'), encoding: 'utf8' }).trim());
}

function convlensWidth(root: string, c: Case): { width: number | null; diagnostics: string[] } {
  const file = join(root, 'proj/net.py');
  const text = `import torch.nn as nn\n${c.imports}\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(1, WIDTH, 1, bias=False)\n    def forward(self, x):\n        return self.conv(x)\n`;
  writeFileSync(file, text);
  const searchPaths: SearchPathEntry[] = c.path.map((p) => ({ path: join(root, p), kind: 'extra', source: 'test' }));
  const report = analyzeFile({ file, text, ...nodeFileAccess(), searchPaths, model: 'Net()', inputs: [[1, 1, 4, 4]] });
  const model = report.models[0];
  const problems = report.diagnostics.filter((d) => d.severity !== 'hint').map((d) => `${d.code}: ${d.message}`);
  return { width: model && !model.incomplete ? model.params : null, diagnostics: problems };
}

for (const c of CASES) {
  test(c.name, () => {
    const root = mkdtempSync(join(tmpdir(), 'convlens-imports-'));
    try {
      write(root, { ...c.files, 'proj/.keep': '' });
      const expected = cpythonWidth(root, c);
      const got = convlensWidth(root, c);
      // A Conv2d(1, W, 1) without bias has W parameters.
      assert.equal(got.width, expected, `CPython says WIDTH = ${expected}; ConvLens: ${JSON.stringify(got)}`);
      assert.deepEqual(got.diagnostics, []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('a module found nowhere: one unresolved-import warning on its line, naming the folders searched; the model is incomplete', () => {
  const root = mkdtempSync(join(tmpdir(), 'convlens-imports-'));
  try {
    write(root, { 'a/other.py': 'X = 1\n' });
    const file = join(root, 'proj/model.py');
    const text = 'import torch.nn as nn\nfrom segmentation_models_pytorch import Unet\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.net = Unet()\n    def forward(self, x):\n        return self.net(x)\n';
    write(root, { 'proj/model.py': text });
    const report = analyzeFile({ file, text, ...nodeFileAccess(), searchPaths: [{ path: join(root, 'a'), kind: 'extra', source: 'test' }], model: 'Net()', inputs: [[1, 3, 8, 8]] });
    const warnings = report.diagnostics.filter((d) => d.code === 'unresolved-import');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.severity, 'warning');
    assert.equal(warnings[0]!.line, 2);
    assert.match(warnings[0]!.message, /segmentation_models_pytorch/);
    assert.ok(warnings[0]!.message.includes(join(root, 'proj')) && warnings[0]!.message.includes(join(root, 'a')), warnings[0]!.message);
    assert.match(warnings[0]!.message, /--python-path/);
    assert.equal(report.models[0]?.incomplete, true);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the standard library is never "not found", modelled or not', () => {
  const root = mkdtempSync(join(tmpdir(), 'convlens-imports-'));
  try {
    const file = join(root, 'proj/train.py');
    // Module names CPython lists in sys.stdlib_module_names, as training scripts import them.
    const text = 'from __future__ import annotations\nimport argparse, csv, time, datetime, glob, shutil, pickle, ast, bisect, gc, codecs\nimport multiprocessing, socket, queue, heapq, traceback, uuid, pprint, decimal, statistics\nimport xml.etree.ElementTree as ET\nfrom concurrent.futures import ThreadPoolExecutor\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 4, 1)\n    def forward(self, x):\n        return self.conv(x)\n';
    write(root, { 'proj/train.py': text });
    const report = analyzeFile({ file, text, ...nodeFileAccess(), searchPaths: [], model: 'Net()', inputs: [[1, 3, 8, 8]] });
    assert.deepEqual(report.diagnostics.filter((d) => d.severity !== 'hint'), []);
    assert.equal(report.models[0]?.incomplete, false);
    assert.equal(report.models[0]?.params, 3 * 4 + 4);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
