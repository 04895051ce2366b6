// Subclasses of the builtin types (`class Info(list)`, `class Cfg(OrderedDict)`, `class P(tuple)`)
// and `object.__new__`, as library code writes them. Expected values are what /usr/bin/python3
// (CPython 3.11, torch 1.13) prints for the same code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalPython } from './timmIdiomsSupport';

test('list, dict and tuple subclasses: super().__init__ / __new__ fill them; iteration, len, methods, attributes', () => {
  const text = `
from collections import OrderedDict
class Info(list):
    def __init__(self, entries, idx):
        super().__init__(dict(entries[i], index=i) for i in idx)
        self.tag = 'x'
    def channels(self):
        return [x['c'] for x in self]
class D(OrderedDict):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.extra = 3
class T(tuple):
    def __new__(cls, a, b):
        return super().__new__(cls, (a, b))
    def total(self):
        return self[0] + self[1]
class Plain(list):
    pass
class Obj:
    def __new__(cls, v):
        o = super().__new__(cls)
        o.v0 = v
        return o
    def __init__(self, v):
        self.v1 = v * 2
info = Info([{'c': 8}, {'c': 16}, {'c': 32}], (0, 2))
d = D(a=1, b=2)
t = T(3, 4)
p = Plain([1, 2])
o = Obj(5)
RESULT = [len(info), info.channels(), info[1]['index'], isinstance(info, list), isinstance(info, Info), info.tag, bool(info),
          sorted(d.keys()), d.extra, len(d), isinstance(d, dict), t.total(), len(t), isinstance(t, T), list(t),
          isinstance(p, Plain), len(p), p + [3], o.v0, o.v1, type(info).__name__, [c for c in info.channels() if c > 8]]
`;
  // /usr/bin/python3: print(RESULT)
  assert.equal(evalPython(text).result,
    "[2, [8, 32], 2, True, True, 'x', True, ['a', 'b'], 3, 2, True, 7, 2, True, [3, 4], True, 2, [1, 2, 3], 5, 10, 'Info', [32]]");
});
