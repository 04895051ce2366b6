// Dynamic structure as model code writes it: exec / eval of strings the file builds (parsed and
// interpreted, never run), globals() / locals() / vars() / dir(), hasattr / getattr / setattr,
// a class's own __setattr__ and object.__setattr__. Plain Python is checked against CPython
// (`python3`, run by the test — never by ConvLens); the nn.Module registration order against
// what /usr/bin/python3 with torch 1.13 prints for the same code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { evalPython } from './timmIdiomsSupport';

function cpythonResult(text: string): string {
  return execFileSync('python3', ['-I', '-c', `${text}\nprint(repr(RESULT))\n`], { encoding: 'utf8' }).trim();
}

test('exec and eval of built strings, namespaces, vars/dir/hasattr/getattr/setattr and __setattr__ overrides: as CPython', () => {
  const text = `
class Cfg:
    def __init__(self):
        self.depth = 3
        self.width = 16
        self._hidden = 1
    def scaled(self):
        return self.width * 2

class Tracked:
    def __init__(self):
        self.log = []
        self.a = 1
    def __setattr__(self, name, value):
        if name != 'log':
            self.log.append(name)
        object.__setattr__(self, name, value)

TEMPLATE = '''
def make_{name}(x):
    return x * {k}
'''
for _n, _k in (('double', 2), ('triple', 3)):
    exec(TEMPLATE.format(name=_n, k=_k))

def local_exec():
    v = 1
    exec('v = 5\\nw = v + 1')
    ns = {}
    exec('z = 7\\ny = z * 2', ns)
    loc = {'q': 4}
    exec('r = q + base', {'base': 10}, loc)
    return [v, 'w' in locals(), ns['y'], sorted(k for k in ns if k != '__builtins__'), loc['r']]

c = Cfg()
t = Tracked()
t.b = 2
setattr(t, 'c', 3)
t.__setattr__('d', 4)
o = Cfg()
setattr(o, 'level%d' % 2, 'L2')
try:
    exec('x = = 1')
    syntax = 'no error'
except SyntaxError:
    syntax = 'SyntaxError'
RESULT = [make_double(4), make_triple(4), local_exec(), sorted(vars(c).items()), hasattr(c, 'scaled'), hasattr(c, 'nope'),
          getattr(c, 'nope', 'dflt'), [n for n in dir(c) if not n.startswith('__')], t.log, [t.b, t.c, t.d],
          getattr(o, 'level2'), eval('width * depth', {}, vars(c)), eval('make_double(5) + 1'), globals()['Cfg'].__name__,
          'make_triple' in globals(), syntax, eval('[i * i for i in range(n)]', {'n': 4})]
`;
  const got = evalPython(text);
  assert.deepEqual(got.diagnostics.filter((d) => !d.startsWith('hint')), []);
  assert.equal(got.result, cpythonResult(text));
});

test('setattr / add_module / __setattr__ / exec registration order is named_modules order, as torch', () => {
  const text = `
import torch.nn as nn

class Net(nn.Module):
    def __init__(self, criterion=nn.CrossEntropyLoss(ignore_index=255)):
        super().__init__()
        self.head = None
        self.criterion = criterion
        for i in range(3):
            setattr(self, f'level{i}', nn.Conv2d(4, 4, 1))
        self.add_module('extra', nn.ReLU())
        self.__setattr__('head', nn.Conv2d(4, 2, 1))
        nn.Module.__setattr__(self, 'level1', nn.Conv2d(4, 8, 1))
        object.__setattr__(self, 'hidden', nn.Conv2d(4, 4, 3))
        exec('self.post = nn.Identity()')
        self.level0 = None
        delattr(self, 'extra')
        self.add_module('extra', nn.Sigmoid())

net = Net()
RESULT = [[n for n, _ in net.named_modules()], [type(m).__name__ for m in net.children()], net.level1.out_channels,
          sum(p.numel() for p in net.parameters()), hasattr(net, 'hidden'), 'hidden' in dict(net.named_children()),
          hasattr(net, 'level0'), net.level0 is None, sorted(k for k in vars(net) if not k.startswith('_') and k != 'training'),
          [n for n in dir(net) if n.startswith('level')], net.criterion.ignore_index]
`;
  // /usr/bin/python3 (torch 1.13): print(repr(RESULT))
  assert.equal(evalPython(text).result,
    "[['', 'criterion', 'level1', 'level2', 'head', 'post', 'extra'], ['CrossEntropyLoss', 'Conv2d', 'Conv2d', 'Conv2d', 'Identity', 'Sigmoid'], 8, 70, True, False, True, True, ['hidden'], ['level0', 'level1', 'level2'], 255]");
});

test('exec nested without end is refused with a RecursionError, not a crash', () => {
  const text = "S = 'exec(S)'\ntry:\n    exec(S)\n    RESULT = 'ran'\nexcept RecursionError:\n    RESULT = 'RecursionError'\n";
  assert.equal(evalPython(text).result, "'RecursionError'");
});
