// The library world shared between analyses (analyze.ts): a later analysis reuses the library
// modules an earlier one loaded, and must give exactly what a fresh analysis gives — also after
// model code wrote into a library's values, after a library file changed, and for a library file
// analysed in place with unsaved text. Parameter counts are worked out by hand: a Conv2d(3, w, 3)
// has 27·w + w parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile, forgetLibraryWorld } from '../../server/src/engine/analyze';
import type { AnalyzeOptions, FileReport } from '../../server/src/engine/report';

const SITE = '/env/site-packages';
const searchPaths: AnalyzeOptions['searchPaths'] = [{ path: SITE, kind: 'environment', source: 'test site-packages' }];

const LIBRARY: Record<string, string> = {
  [`${SITE}/libx/__init__.py`]: `from .blocks import Stem, make_stem, REGISTRY, register\n__version__ = '2.0.1'\n`,
  [`${SITE}/libx/blocks.py`]: `import torch.nn as nn

REGISTRY = {}

def register(fn):
    REGISTRY[fn.__name__] = fn
    return fn

class Stem(nn.Module):
    width = 8
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, self.width, 3)
    def forward(self, x):
        return self.conv(x)

@register
def make_stem():
    return Stem()
`,
};

function analyze(text: string, files: Record<string, string> = LIBRARY, file = '/proj/model.py'): FileReport {
  const all: Record<string, string> = { ...files, [file]: text };
  return analyzeFile({
    file,
    text,
    readFile: (p) => all[p] ?? null,
    isDirectory: (p) => Object.keys(all).some((k) => k.startsWith(`${p}/`)),
    searchPaths,
    model: 'Net()',
    inputs: [[1, 3, 16, 16]],
  });
}

const params = (r: FileReport): number => {
  assert.equal(r.models.length, 1, JSON.stringify(r.diagnostics));
  assert.equal(r.models[0]!.incomplete, false, JSON.stringify(r.diagnostics));
  return r.models[0]!.params;
};

const PLAIN = `import torch.nn as nn
import libx

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = libx.make_stem()
    def forward(self, x):
        return self.stem(x)
`;

const PATCHING = `import torch.nn as nn
import libx
from libx import blocks

blocks.Stem.width = 32

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = libx.Stem()
    def forward(self, x):
        return self.stem(x)
`;

const REGISTERING = `import torch.nn as nn
import libx

@libx.register
def make_stem():
    return nn.Conv2d(3, 64, 3)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = libx.REGISTRY['make_stem']()
    def forward(self, x):
        return self.stem(x)
`;

test('a warm analysis gives exactly the report of a fresh one, libraries included', () => {
  forgetLibraryWorld();
  const cold = analyze(PLAIN);
  const warm = analyze(PLAIN);
  assert.equal(params(cold), 27 * 8 + 8);
  assert.deepEqual(warm, cold);
  assert.deepEqual(warm.libraries, [{ name: 'libx', version: '2.0.1', path: `${SITE}/libx` }]);
});

test('model code that patches a library class does not leak into the next analysis', () => {
  forgetLibraryWorld();
  analyze(PLAIN);
  assert.equal(params(analyze(PATCHING)), 27 * 32 + 32);
  assert.equal(params(analyze(PLAIN)), 27 * 8 + 8, 'the class attribute is the library file\'s again');
});

const FROM_REGISTRY = PLAIN.replace('libx.make_stem()', "libx.REGISTRY['make_stem']()");

test('model code that fills a library registry does not leak into the next analysis', () => {
  forgetLibraryWorld();
  assert.equal(params(analyze(FROM_REGISTRY)), 27 * 8 + 8);
  assert.equal(params(analyze(REGISTERING)), 27 * 64 + 64);
  assert.equal(params(analyze(FROM_REGISTRY)), 27 * 8 + 8, 'the registry holds the library\'s own make_stem again');
});

test('a library file changed on disk is read again', () => {
  forgetLibraryWorld();
  assert.equal(params(analyze(PLAIN)), 27 * 8 + 8);
  const changed = { ...LIBRARY, [`${SITE}/libx/blocks.py`]: LIBRARY[`${SITE}/libx/blocks.py`]!.replace('width = 8', 'width = 12') };
  assert.equal(params(analyze(PLAIN, changed)), 27 * 12 + 12);
  assert.equal(params(analyze(PLAIN)), 27 * 8 + 8);
});

test('a library file analysed in place uses its unsaved text, not the loaded module', () => {
  forgetLibraryWorld();
  assert.equal(params(analyze(PLAIN)), 27 * 8 + 8);
  const blocksPath = `${SITE}/libx/blocks.py`;
  const edited = `${LIBRARY[blocksPath]!.replace('width = 8', 'width = 4')}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = make_stem()
    def forward(self, x):
        return self.stem(x)
`;
  assert.equal(params(analyze(edited, LIBRARY, blocksPath)), 27 * 4 + 4);
  assert.equal(params(analyze(PLAIN)), 27 * 8 + 8);
});

test('a library top-level statement that fails: unused names it binds do not matter; a failed effect makes the model incomplete', () => {
  forgetLibraryWorld();
  const unusedClassFails = {
    ...LIBRARY,
    [`${SITE}/libx/extra.py`]: 'import logging\nclass Fancy(logging.NoSuchBase):\n    pass\nLEVEL = logging.NO_SUCH_LEVEL\n',
    [`${SITE}/libx/__init__.py`]: `from . import extra\n${LIBRARY[`${SITE}/libx/__init__.py`]!}`,
  };
  assert.equal(params(analyze(PLAIN, unusedClassFails)), 27 * 8 + 8);
  forgetLibraryWorld();
  const effectFails = {
    ...LIBRARY,
    [`${SITE}/libx/__init__.py`]: `${LIBRARY[`${SITE}/libx/__init__.py`]!}import logging\nREGISTRY.update(logging.NO_SUCH_TABLE)\n`,
  };
  const r = analyze(PLAIN, effectFails);
  assert.equal(r.models[0]?.incomplete, true, 'a registry update that failed may have changed what the model gets');
});

test('a failed library effect is reported the same whether the library was loaded in this analysis or an earlier one', () => {
  forgetLibraryWorld();
  const effectFails = {
    ...LIBRARY,
    [`${SITE}/libx/__init__.py`]: `${LIBRARY[`${SITE}/libx/__init__.py`]!}import logging\nREGISTRY.update(logging.NO_SUCH_TABLE)\n`,
  };
  const eager = PLAIN.replace('import libx\n', 'import libx\nfrom libx import make_stem\n');
  const cold = analyze(eager, effectFails);
  const warm = analyze(eager, effectFails);
  assert.equal(cold.models[0]?.incomplete, true);
  // Hints about a library's own lines come with the analysis that ran them; the rest is the same.
  const notHints = (r: FileReport) => ({ ...r, diagnostics: r.diagnostics.filter((d) => d.severity !== 'hint') });
  assert.deepEqual(notHints(warm), notHints(cold));
  assert.ok(cold.diagnostics.some((d) => d.severity === 'warning' && /could not be analysed \(first in \/env\/site-packages\/libx\/__init__\.py\)/.test(d.message)));
});

// Without libraries the world is the builtins and torch, reused as well: a write into them (or into
// a torch member that the writing analysis itself made first) must not reach the next analysis.
const NET_CONV = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.fc = nn.Linear(8, 4)
    def forward(self, x):
        return self.fc(self.conv(x).mean((2, 3)))
`;
// Conv2d(3, 8, 3): 27·8 + 8 = 224; Linear(8, 4): 8·4 + 4 = 36.
const NET_PARAMS = 260;

for (const paths of [undefined, searchPaths]) {
  const label = paths ? 'with a library search path' : 'without libraries';
  const run = (text: string): FileReport => analyzeFile({ file: '/proj/net.py', text, readFile: () => null, searchPaths: paths, model: 'Net()', inputs: [[1, 3, 16, 16]] });

  test(`${label}: model code that replaces a torch class does not leak into the next analysis`, () => {
    forgetLibraryWorld();
    assert.equal(params(run(NET_CONV)), NET_PARAMS);
    const patched = run(NET_CONV.replace('\nclass Net', '\nnn.Conv2d = nn.Identity\n\nclass Net'));
    assert.equal(patched.models[0]?.params, 36, 'the patch applies to the analysis that made it');
    assert.equal(params(run(NET_CONV)), NET_PARAMS);
  });

  for (const linear of ['nn.Linear', 'torch.nn.modules.linear.Linear']) {
    test(`${label}: a write into a torch member the same analysis made first does not leak either (${linear})`, () => {
      forgetLibraryWorld();
      // The layer class is made on first use, here by the analysis that patches it.
      const patched = run(NET_CONV.replace('\nclass Net', `\nimport torch\n${linear}.forward = lambda self, x: x\n\nclass Net`));
      assert.deepEqual(patched.models[0]?.outputs, [[1, 8]]);
      const next = run(NET_CONV);
      assert.deepEqual(next.models[0]?.outputs, [[1, 4]]);
      assert.equal(params(next), NET_PARAMS);
    });
  }
}
