"""torch 1.13's own parameter lists (inspect.signature) for every nn.Module class (__init__ and
forward) and for every torch.nn.functional function, torch.* function and Tensor method that
torch defines in Python: the oracle for the `signature` strings of server/src/engine/ops (the
interpreter binds each call to them, so a wrong name, order, kind or default binds a user's
argument to the wrong parameter). Builtins (torch.cat, x.view, F.conv2d) have no inspectable
signature; their docstrings are not the argument parser (x.mul documents `value`, the parser takes
`other`), so they are left out.

A parameter is {name, kind, default?, default_repr?}: `default` when it is plain data (None,
bool, int, float, str, a tuple of ints), otherwise its source text in `default_repr`.
Read by test/unit/signatures-golden.test.ts. Deterministic (no date).

    /usr/bin/python3 scripts/golden/signatures.py   # writes test/golden/torch/signatures.json
"""
import inspect
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'signatures.json')

PLAIN = (type(None), bool, int, float, str)


def plain(value):
    if isinstance(value, PLAIN):
        return True, value
    if isinstance(value, tuple) and all(isinstance(x, int) and not isinstance(x, bool) for x in value):
        return True, list(value)
    return False, None


def from_inspect(fn, skip_first):
    try:
        sig = inspect.signature(fn)
    except (ValueError, TypeError):
        return None
    out = []
    for i, p in enumerate(sig.parameters.values()):
        if skip_first and i == 0:
            continue
        entry = {'name': p.name, 'kind': p.kind.name}
        if p.default is not inspect.Parameter.empty:
            ok, value = plain(p.default)
            if ok:
                entry['default'] = value
            else:
                entry['default_repr'] = repr(p.default)
        out.append(entry)
    return out


def entry(fn, skip_first=False):
    if inspect.isbuiltin(fn) or inspect.ismethoddescriptor(fn):
        return None
    params = from_inspect(fn, skip_first)
    # boolean_dispatch wrappers (F.max_pool2d, ...) show only (*args, **kwargs).
    if params is None or [p['kind'] for p in params] == ['VAR_POSITIONAL', 'VAR_KEYWORD']:
        return None
    return params


def public(ns):
    return sorted(n for n in dir(ns) if not n.startswith('_') or (n.startswith('__') and n.endswith('__')))


def main():
    modules = {}
    for name in public(nn):
        cls = getattr(nn, name)
        if isinstance(cls, type) and issubclass(cls, nn.Module) and name[0].isupper():
            init = from_inspect(cls.__init__, True)
            forward = from_inspect(cls.forward, True)
            modules[name] = {'init': init, 'forward': forward}
    functions = {}
    for prefix, ns, names in (('F', F, public(F)), ('torch', torch, public(torch))):
        for name in names:
            if name.startswith('__'):
                continue
            fn = getattr(ns, name)
            if callable(fn) and not isinstance(fn, type):
                e = entry(fn)
                if e:
                    functions[f'{prefix}.{name}'] = e
    for name in public(torch.Tensor):
        fn = getattr(torch.Tensor, name, None)
        if callable(fn) and not isinstance(fn, type):
            e = entry(fn, skip_first=True)
            if e:
                functions[f'Tensor.{name}'] = e
    with open(OUT, 'w') as f:
        json.dump({'generator': f'scripts/golden/signatures.py, torch {torch.__version__}', 'modules': modules, 'functions': functions},
                  f, indent=None, separators=(',', ':'), sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
