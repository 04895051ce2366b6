# Python constructs the ConvLens parser must read exactly as CPython does.
# constructs.ast.json is CPython's reading of this file (see dump_cpython_ast.py).
"""Module docstring."""
from __future__ import annotations

import os
import torch.nn as nn, torch.nn.functional as F
from . import sibling
from .. import parent_mod as pm
from ...pkg.sub import (a as b, c,)
from torch import *

# ---- numbers
ints = [0, 7, 1_000_000, 0x_FF, 0o17, 0b1010, 0XAB, 00]
floats = [1.5, .5, 1e3, 1E-3, 2.5e+2, 1_0.2_5, 1., 3.e2, 1.e-5, 6.0 * 1.]
scale = 1. / 64.
ratio = size * 1. / (size - 1.) + -1. + 2. ** 2
picked = 1. if ints else 2.  # comment after a trailing-dot float
unit = 1.  # another
either = floats and 0. or 1.
imag = 2j + 1.5J

# ---- strings
s1 = 'single' "double" '''triple
line''' """tri
double"""
s2 = 'esc\n\t\\\'\"\x41\u00e9\U0001F600\101\0'
s3 = r'raw\n\d' R"\w+"
s4 = b'bytes\x00'
s5 = 'line \
continued'
s6 = u'unicode'
s7 = ''

# ---- f-strings
name = 'x'
width = 8
f1 = f'{name}'
f2 = f"a{name!r:>{width}d}b{{lit}}c"
f3 = f'{name=}' f"{width = :>4}" 'plain'
f4 = f'{name!s} {width!a} {3 + 4:{"x"}^{width}}'
f5 = f'''multi {name}
line {width:#x}'''
f6 = f'{ {"k": 1}["k"] }'
f7 = F'{name:{width}.{width}}'
f8 = rf'raw{name}\d'

# ---- containers
t0 = ()
t1 = (1,)
t2 = 1, 2,
t3 = (1, 2)
l0 = []
l1 = [1, *ints, 3]
d0 = {}
d1 = {'a': 1, **{'b': 2}, 3: [4]}
st = {1, 2, *ints}

# ---- subscripts and slices
x = [[1, 2], [3, 4]]
v1 = x[0]
v2 = x[1:2]
v3 = x[::2]
v4 = x[:, :, 1:3]
v5 = x[..., None]
v6 = x[a:b:c, 0]
v7 = x[0,]
v8 = x[:]
v9 = x[-1][::-1]

# ---- operators
o1 = a + b - c * d / e // f % g ** h @ i
o2 = a << 1 >> 2 & 3 | 4 ^ 5
o3 = -a ** -b ** c
o4 = ~a + +b - -c
o5 = not a or b
o6 = a or not b and c
o7 = not a and b or c
o8 = x and not a or b
o9 = not (a or b)
o10 = a and b and c or d or e
o11 = (a and b) and c
o12 = a < b <= c != d == e > f >= g
o13 = a in b not in c is d is not e
o14 = (a < b) < c
o15 = not a == b
o16 = a if b else c if d else e
o17 = (a if b else c) if d else e
o18 = a + (b * c)
o19 = (a, b) + (c,)

# ---- lambdas, comprehensions, starred, walrus
lam1 = lambda: 0
lam2 = lambda a, b=1, *args, c, d=2, **kw: a + b
lam3 = lambda *, k: k
lc = [i * 2 for i in range(10) if i if i % 3 for j in x]
sc = {i for i, j in pairs}
gc = (i for i in x)
dc = {k: v for k, v in d1.items() if v}
nested = [[j for j in row] for row in x]
starred_t = [(a, *rest) for a, *rest in pairs]
first, *rest = ints
*init, last = ints
a, (b, c) = 1, (2, 3)
[p, q] = 1, 2
if (n := len(ints)) > 3:
    pass
total = sum(i for i in ints)
total2 = sum((i for i in ints), 0)
call = f(a, b=1, *args, c=2, **kw)
call2 = f(*a, *b, **c, **d)
call3 = f(
    a,
    b,  # comment
)
call4 = f(y := 3)

# ---- statements
a = b = c = 0
counter: int = 0
label: str
self_like.attr: int = 1
xs[0]: int
a += 1
a -= 1
a *= 2
a /= 2
a //= 2
a %= 2
a **= 2
a @= m
a &= 1
a |= 1
a ^= 1
a <<= 1
a >>= 1
del a, x[0], obj.attr
assert a, 'message'
assert b
a; b = 1; c
global_value = 1
print = log


def scope_user():
    global global_value
    inner = 0

    def inner_fn():
        nonlocal inner
        inner += 1
    return inner_fn


def params(a, b: int, /, c, d: float = 1.0, *args: int, e, f=2, **kw: str) -> None:
    """Docstring."""
    return


def bare_star(a, *, b, c=3):
    return a, b, c


def varargs_only(*args, **kwargs):
    yield
    yield args
    yield args, kwargs
    sent = yield (1, 2)
    yield from zip(args, args)


async def coroutine(x):
    await x
    async for i in x:
        pass
    async with x as y:
        pass
    return [i async for i in x]


@decorator
@dotted.decorator(1, key=2)
@staticmethod
def decorated():
    pass


@dataclass(frozen=True)
class Base(object, metaclass=Meta, extra=1):
    """Class docstring."""
    field: int = 0

    class Inner:
        pass

    def method(self, x):
        if x > 0:
            return x
        elif x < 0:
            return -x
        elif x == 0:
            return 0
        else:
            raise ValueError('no') from None


class Child(Base, *mixins, **options):
    pass


for i in range(3):
    if i:
        continue
    break
else:
    pass

for k, v in d1.items():
    pass

while a < 10:
    a += 1
else:
    a = 0

try:
    risky()
except (ValueError, TypeError) as err:
    raise
except KeyError:
    pass
except Exception as e:
    raise RuntimeError(e)
else:
    done = True
finally:
    cleanup()

try:
    pass
finally:
    pass

with open('f') as fh, lock:
    pass

with (open('a'), open('b')):
    pass

match command:
    case [x, y]:
        pass
    case _:
        pass

if __name__ == "__main__":
    main()
