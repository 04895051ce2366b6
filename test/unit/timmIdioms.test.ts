// Python idioms that timm-style libraries lean on, each a minimal reproduction. Expected values are
// what /usr/bin/python3 (CPython 3.11, torch 1.13) prints for the same code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalPython } from './timmIdiomsSupport';

test('@contextmanager: with gives the first yielded value, the body runs at the yield, the finally after it', () => {
  const text = `
from contextlib import contextmanager
_STATE = {'depth': 0}
LOG = []
@contextmanager
def deeper(n):
    prev = _STATE['depth']
    _STATE['depth'] = prev + n
    LOG.append('enter')
    try:
        yield _STATE['depth'] * 10
    finally:
        _STATE['depth'] = prev
        LOG.append('exit')
class Holder:
    def __init__(self):
        self.frozen = False
    @contextmanager
    def freeze(self):
        self.frozen = True
        yield self
        self.frozen = False
def inside():
    with deeper(2) as a, deeper(3) as b:
        seen = _STATE['depth']
        return (a, b, seen)
h = Holder()
with h.freeze() as hh:
    during = (hh is h, h.frozen)
RESULT = [inside(), _STATE['depth'], LOG, during, h.frozen]
`;
  // /usr/bin/python3: print(RESULT)
  assert.equal(evalPython(text).result, "[(20, 50, 5), 0, ['enter', 'enter', 'exit', 'exit'], (True, True), False]");
});

test('fnmatch: fnmatch, fnmatchcase, filter with *, ?, [seq], [!seq]', () => {
  const text = `
import fnmatch
names = ['resnet50', 'resnet101', 'vit_base_patch16_224', 'efficientnet_b0', 'rexnet_100']
RESULT = [fnmatch.fnmatch('resnet50', 'resnet*'), fnmatch.fnmatchcase('resnet50', 'res?et5[0-9]'),
          fnmatch.filter(names, 'res*'), fnmatch.filter(names, '*_b[!1-9]'), fnmatch.fnmatch('a.b', 'a?b'),
          fnmatch.fnmatch('vit_base', '*vit*'), fnmatch.fnmatch('x[1]', 'x[[]1]')]
`;
  // /usr/bin/python3: print(RESULT)
  assert.equal(evalPython(text).result, "[True, True, ['resnet50', 'resnet101'], ['efficientnet_b0'], True, True, True]");
});
