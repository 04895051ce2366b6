"""Random (fixed-seed) calls of the tensor functions and methods ConvLens models (torch.*, Tensor.*,
operators, indexing, F.pad) and what real PyTorch answers: the output shape(s), the returned
torch.Size/int, or the exception type and the first line of its message.

    /usr/bin/python3 scripts/golden/tensor_functions.py   # writes test/golden/torch/tensor_functions.json

Generated with Debian's python3-torch (1.13.1). Each case is a self-contained Python expression over
`torch` and `F` (torch.nn.functional); test/unit/ops-functions-golden.test.ts evaluates it with the
engine's ops and compares.
"""
import json
import os
import random
import sys
import warnings

import torch
import torch.nn.functional as F

SEED = 20261123
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "golden", "torch", "tensor_functions.json")


def z(shape):
    # torch.zeros() without sizes is an error; a 0-d tensor is torch.zeros(()).
    return f"torch.zeros({', '.join(str(s) for s in shape)})" if shape else "torch.zeros(())"


def tup(values):
    return f"({', '.join(str(v) for v in values)}{',' if len(values) == 1 else ''})"


def lst(values):
    return f"[{', '.join(str(v) for v in values)}]"


def rshape(rng, lo=0, hi=4, dmin=1, dmax=5):
    return [rng.randint(dmin, dmax) for _ in range(rng.randint(lo, hi))]


def rdim(rng, rank, slack=1):
    r = max(rank, 1)
    return rng.randint(-r - slack, r - 1 + slack)


# ---- indexing ------------------------------------------------------------------------------------

def slice_text(rng, size):
    def bound():
        if rng.random() < 0.3:
            return ""
        return str(rng.randint(-size - 3, size + 3))
    start, stop = bound(), bound()
    r = rng.random()
    if r < 0.5:
        return f"{start}:{stop}"
    step = rng.choice(["", "1", "2", "3", "5"]) if rng.random() > 0.04 else rng.choice(["0", "-1"])
    return f"{start}:{stop}:{step}"


def index_item(rng, size, allow_adv=True):
    r = rng.random()
    if r < 0.3:
        return str(rng.randint(-size - 1, size)), 1
    if r < 0.7:
        return slice_text(rng, size), 1
    if r < 0.8:
        return "None", 0
    if allow_adv and r < 0.9:
        n = rng.randint(0, 3)
        return lst([rng.randint(-size, max(size - 1, 0)) if rng.random() > 0.05 else size for _ in range(n)]), 1
    if allow_adv and r < 0.95:
        return lst([rng.choice(["True", "False"]) for _ in range(size if rng.random() > 0.1 else size + 1)]), 1
    return rng.choice(["True", "False"]), 0


def index_case(rng):
    shape = rshape(rng, 0 if rng.random() < 0.05 else 1, 4)
    items = []
    used = 0
    ellipsis = False
    for _ in range(rng.randint(1, len(shape) + (2 if rng.random() < 0.1 else 1))):
        if rng.random() < 0.15 and (not ellipsis or rng.random() < 0.1):
            items.append("...")
            ellipsis = True
            continue
        size = shape[used] if used < len(shape) else 2
        text, consumes = index_item(rng, size)
        items.append(text)
        used += consumes
    if len(items) == 1 and rng.random() < 0.5:
        return f"{z(shape)}[{items[0]}]"
    trailing = "," if len(items) == 1 else ""
    return f"{z(shape)}[{', '.join(items)}{trailing}]"


def index_pair_case(rng):
    # two advanced indices, adjacent or separated by a slice / int (torch's placement rule)
    shape = [rng.randint(2, 4) for _ in range(rng.randint(3, 4))]
    a = lst([rng.randint(0, shape[0] - 1) for _ in range(rng.randint(1, 3))])
    pattern = rng.choice(["[:, A, B]", "[A, :, B]", "[A, B]", "[0, :, A]", "[:, 0, A]", "[A, 0, B]", "[..., A, B]",
                          "[A, ..., B]", "[None, A, :, B]", "[:, A, None, B]", "[A, 1:, B]", "[1, A, B]"])
    b = lst([rng.randint(0, 1) for _ in range(rng.choice([1, 1, len(a[1:-1].split(',')), 2]))])
    return f"{z(shape)}{pattern.replace('A', a).replace('B', b)}"


# ---- elementwise -----------------------------------------------------------------------------

def broadcastable(rng, shape):
    out = list(shape[rng.randint(0, len(shape)):]) if shape else []
    out = [1 if rng.random() < 0.3 else s for s in out]
    if rng.random() < 0.2:
        out = [rng.randint(1, 3)] + out
    if rng.random() < 0.1 and out:
        i = rng.randrange(len(out))
        out[i] = out[i] + 1
    return out


def elementwise_case(rng):
    a = rshape(rng, 0, 4, 1, 4)
    b = broadcastable(rng, a)
    if rng.random() < 0.5:
        a, b = b, a
    form = rng.choice(["a + b", "a - b", "a * b", "a / b", "a == b", "a < b", "a >= b", "a ** b", "a // b", "a % b",
                       "torch.add(a, b, alpha=2)", "torch.sub(a, b)", "torch.mul(a, b)", "torch.div(a, b, rounding_mode='floor')",
                       "torch.maximum(a, b)", "torch.minimum(a, b)", "torch.pow(a, b)", "torch.eq(a, b)", "torch.atan2(a, b)",
                       "a.add(b)", "a.mul(b)", "a.sub(b, alpha=3)", "a.div(b)", "a.gt(b)", "a.maximum(b)",
                       "a + 1", "2 * a", "1 - a", "a / 2.5", "2 ** a", "-a", "a.add_(b)", "a.mul_(b)",
                       "torch.where(a > 0, a, b)", "torch.where(a > b, 1.0, b)", "a.masked_fill(b > 0, 1.0)",
                       "torch.clamp(a, min=b)", "torch.lerp(a, b, 0.5)", "torch.addcmul(a, b, b)", "a.where(a > 0, b)",
                       "torch.logical_and(a > 0, b > 0)", "a & b", "torch.logaddexp(a, b)", "torch.masked_fill(a, b > 0, 0.0)",
                       "a.clamp_(min=b)", "torch.hypot(a, b)", "torch.remainder(a, b)"])
    if "&" in form:
        return f"({z(a)} > 0) & ({z(b)} > 0)"
    return substitute(form, z(a), z(b))


def substitute(form, ta, tb):
    out = []
    i = 0
    while i < len(form):
        ch = form[i]
        prev = form[i - 1] if i else " "
        nxt = form[i + 1] if i + 1 < len(form) else " "
        if ch in "ab" and not prev.isalnum() and prev != "_" and prev != "." and not nxt.isalnum() and nxt != "_":
            out.append(ta if ch == "a" else tb)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def unary_case(rng):
    shape = rshape(rng, 0, 4)
    x = z(shape)
    form = rng.choice(["torch.sigmoid(X)", "X.sigmoid()", "torch.tanh(X)", "X.relu()", "torch.relu(X)", "X.exp()",
                       "torch.abs(X)", "X.sqrt()", "torch.softmax(X, D)", "X.softmax(D)", "X.log_softmax(dim=D)",
                       "torch.cumsum(X, D)", "X.cumsum(D)", "torch.clamp(X, 0, 1)", "X.clamp(min=0)", "X.clamp_max(1)",
                       "torch.nan_to_num(X)", "X.neg()", "torch.round(X, decimals=2)", "X.floor()", "~(X > 0)",
                       "X.fill_(2.0)", "X.zero_()", "torch.erf(X)", "X.sign()", "torch.clip(X, -1, 1)"])
    return form.replace("X", x).replace("D", str(rdim(rng, len(shape))))


# ---- reductions --------------------------------------------------------------------------------

def dims_text(rng, rank):
    r = rng.random()
    if r < 0.45:
        return str(rdim(rng, rank))
    n = rng.randint(0 if rng.random() < 0.1 else 1, max(rank, 1))
    dims = [rdim(rng, rank, 0) for _ in range(n)]
    return tup(dims) if rng.random() < 0.7 else lst(dims)


def reduce_case(rng):
    shape = rshape(rng, 0, 4)
    x = z(shape)
    rank = len(shape)
    keep = rng.choice(["", ", keepdim=True", ", keepdim=False"])
    d = dims_text(rng, rank)
    single = str(rdim(rng, rank))
    form = rng.choice([
        f"X.sum({d}{keep})", f"torch.sum(X, {d}{keep})", f"X.mean({d}{keep})", f"torch.mean(X, dim={d}{keep})",
        "X.sum()", "X.mean()", "torch.sum(X)", f"X.amax({d}{keep})", f"torch.amin(X, {d}{keep})", "torch.amax(X)",
        f"X.std({d}{keep})", f"torch.var(X, {d}{keep})", "X.std()", f"X.norm(dim={d}{keep})", f"torch.norm(X, 2, {d})",
        f"torch.logsumexp(X, {d}{keep})", f"X.prod({single}{keep})", "X.prod()", f"X.all({single})", "torch.any(X)",
        f"X.max({single}{keep})", f"X.sum({d}, True)", f"torch.max(X, {single}, True)", f"torch.min(X, {single}{keep})", "X.max()", "torch.min(X)", f"X.argmax({single}{keep})",
        "X.argmax()", f"torch.argmin(X, dim={single}{keep})", f"X.median({single})", "X.median()",
        f"X.topk({rng.randint(0, 4)}, {single})", f"torch.sort(X, {single})", f"X.argsort(dim={single})",
        f"torch.kthvalue(X, {rng.randint(1, 3)}, {single}{keep})", f"torch.count_nonzero(X, {d})",
        f"torch.std_mean(X, {d}{keep})", f"torch.cummax(X, {single})", f"X.logsumexp({single})",
    ])
    return form.replace("X", x)


# ---- shape manipulation -----------------------------------------------------------------------

def factor_shape(rng, n):
    dims = []
    while n > 1 and len(dims) < 4:
        divisors = [d for d in range(2, n + 1) if n % d == 0]
        d = rng.choice(divisors)
        dims.append(d)
        n //= d
    if rng.random() < 0.3:
        dims.insert(rng.randint(0, len(dims)), 1)
    return dims


def view_case(rng):
    shape = rshape(rng, 0, 4)
    n = 1
    for s in shape:
        n *= s
    target = factor_shape(rng, n) if rng.random() > 0.15 else rshape(rng, 1, 3)
    rng.shuffle(target)
    if target and rng.random() < 0.5:
        target[rng.randrange(len(target))] = -1
    if rng.random() < 0.05:
        target = target + [-1]
    method = rng.choice(["view", "reshape"])
    r = rng.random()
    if r < 0.5:
        args = ", ".join(str(t) for t in target)
    elif r < 0.8:
        args = tup(target)
    else:
        args = lst(target)
    if rng.random() < 0.2:
        return f"torch.reshape({z(shape)}, {tup(target)})"
    return f"{z(shape)}.{method}({args})"


def shape_case(rng):
    shape = rshape(rng, 0, 4)
    rank = len(shape)
    x = z(shape)
    d = rdim(rng, rank)
    d2 = rdim(rng, rank)
    perm = list(range(rank))
    rng.shuffle(perm)
    if rank and rng.random() < 0.1:
        perm[0] = perm[-1]
    sizes = [s if rng.random() > 0.3 else rng.choice([-1, 1, s + 1]) for s in shape]
    if shape and 1 in shape and rng.random() < 0.5:
        sizes[shape.index(1)] = rng.randint(2, 4)
    lead = [rng.randint(1, 3) for _ in range(rng.randint(0, 2))]
    reps = [rng.randint(0, 3) for _ in range(rank + rng.randint(-1, 2))]
    size_d = shape[d] if -max(rank, 1) <= d < max(rank, 1) and rank else 1
    forms = [
        f"torch.flatten(X, {d}, {d2})", f"X.flatten({d})", "X.flatten()", f"X.flatten(start_dim={d})",
        f"X.permute({', '.join(map(str, perm))})", f"X.permute({tup(perm)})", f"torch.permute(X, {tup(perm)})",
        f"X.transpose({d}, {d2})", f"torch.transpose(X, {d}, {d2})", f"X.swapaxes({d}, {d2})", "X.t()", "X.T",
        "X.mT", f"X.squeeze({d})", "X.squeeze()", f"torch.squeeze(X, {d})", f"X.unsqueeze({rdim(rng, rank + 1)})",
        f"torch.unsqueeze(X, {rdim(rng, rank + 1)})", f"X.expand({', '.join(map(str, lead + sizes))})",
        f"X.expand({tup(lead + sizes)})", f"torch.broadcast_to(X, {tup(lead + sizes)})",
        f"X.expand_as({z(lead + [s if s != 1 else rng.randint(1, 3) for s in shape])})",
        f"X.repeat({', '.join(map(str, reps))})" if reps else "X.repeat(())", f"torch.tile(X, {tup(reps)})",
        f"X.narrow({d}, {rng.randint(-size_d - 1, size_d)}, {rng.randint(0, size_d + 1)})",
        f"X.unbind({d})", f"torch.unbind(X)", f"X.chunk({rng.randint(0, 4)}, {d})",
        f"X.split({rng.randint(0, 3)}, {d})", f"torch.split(X, {lst(factor_shape(rng, size_d) or [size_d])}, dim={d})",
        f"torch.tensor_split(X, {rng.randint(1, 4)}, dim={d})", f"X.tensor_split({lst(sorted(rng.randint(-3, 6) for _ in range(2)))}, {d})",
        f"X.flip({d})", f"torch.flip(X, {tup([d, d2])})", f"X.roll({rng.randint(-3, 3)}, {d})", "X.roll(1)",
        f"torch.roll(X, {tup([1, 2])}, {tup([d, d2])})", f"torch.rot90(X, {rng.randint(-2, 3)}, {lst([d, d2])})",
        f"X.unfold({d}, {rng.randint(1, 3)}, {rng.randint(1, 2)})", "X.size()", f"X.size({d})", "X.shape", "X.dim()",
        "X.numel()", "X.ndim", "torch.numel(X)", "X.ravel()", f"X.view_as({z(list(reversed(shape)))})",
        f"torch.movedim(X, {d}, {d2})", f"X.movedim({tup([d])}, {tup([d2])})",
        f"X.unflatten({d}, {tup(factor_shape(rng, size_d) or [size_d])})",
        f"torch.unflatten(X, {d}, {tup([-1] + (factor_shape(rng, size_d)[1:] if size_d > 1 else []))})",
        "X.float()", "X.half().detach()", "X.clone()", "X.contiguous()", "X.to(torch.float16)", "X.cpu()",
        f"torch.broadcast_shapes({tup(shape)}, {tup(lead + [1] * rank)})",
        f"torch.broadcast_tensors(X, {z(lead + [1] * rank)})",
    ]
    return rng.choice(forms).replace("X", x)


# ---- joining ------------------------------------------------------------------------------------

def cat_case(rng):
    base = rshape(rng, 1, 4)
    rank = len(base)
    d = rdim(rng, rank)
    count = rng.randint(1, 3)
    shapes = []
    for _ in range(count):
        s = list(base)
        if -rank <= d < rank:
            s[d] = rng.randint(0, 4)
        if rng.random() < 0.08:
            i = rng.randrange(rank)
            s[i] += 1
        if rng.random() < 0.04:
            s = s[1:] or [0]
        if rng.random() < 0.04:
            s = [0]
        shapes.append(s)
    tensors = lst([z(s) for s in shapes])
    fn = rng.choice(["torch.cat", "torch.cat", "torch.concat", "torch.stack", "torch.hstack", "torch.vstack",
                     "torch.dstack", "torch.column_stack", "torch.atleast_2d"])
    if fn == "torch.stack":
        same = [base] * count if rng.random() < 0.85 else shapes
        return f"torch.stack({lst([z(s) for s in same])}, {rdim(rng, rank + 1)})"
    if fn in ("torch.hstack", "torch.vstack", "torch.dstack", "torch.column_stack"):
        return f"{fn}({tensors})"
    if fn == "torch.atleast_2d":
        return f"torch.atleast_2d({z(rshape(rng, 0, 3))})"
    return f"{fn}({tensors}, {'dim=' if rng.random() < 0.5 else ''}{d})"


# ---- matrix products ----------------------------------------------------------------------------

def matmul_case(rng):
    n, k, m = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)
    k2 = k if rng.random() > 0.1 else k + 1
    batch = rshape(rng, 0, 2, 1, 3)
    b2 = broadcastable(rng, batch) if rng.random() > 0.2 else rshape(rng, 0, 2, 1, 3)
    ra = rng.choice([1, 2, 2, 3])
    rb = rng.choice([1, 2, 2, 3])
    a = [k] if ra == 1 else batch + [n, k]
    b = [k2] if rb == 1 else b2 + [k2, m]
    forms = [f"torch.matmul({z(a)}, {z(b)})", f"{z(a)} @ {z(b)}", f"{z(a)}.matmul({z(b)})",
             f"torch.mm({z([n, k])}, {z([k2, m])})", f"torch.bmm({z([2, n, k])}, {z([rng.choice([2, 3]), k2, m])})",
             f"torch.mv({z([n, k])}, {z([k2])})", f"torch.dot({z([k])}, {z([k2])})", f"torch.outer({z([n])}, {z([m])})",
             f"torch.einsum('bij,bjk->bik', {z([2, n, k])}, {z([2, k2, m])})", f"torch.einsum('ij,jk', {z([n, k])}, {z([k2, m])})",
             f"torch.einsum('...ij,...jk->...ik', {z(batch + [n, k])}, {z(b2 + [k2, m])})",
             f"torch.einsum('bchw,bkhw->bck', {z([2, n, 3, 3])}, {z([2, m, 3, 3])})", f"torch.einsum('ii->i', {z([k, k2])})",
             f"torch.einsum('ij->ji', [{z([n, k])}])", f"torch.tensordot({z([n, k, 2])}, {z([k2, 2, m])}, dims=2)",
             f"torch.tensordot({z([n, k])}, {z([m, k2])}, dims=({lst([1])}, {lst([1])}))",
             f"torch.addmm({z([m])}, {z([n, k])}, {z([k2, m])})", f"torch.baddbmm({z([1, n, 1])}, {z([2, n, k])}, {z([2, k2, m])})",
             f"torch.addbmm({z([n, m])}, {z([2, n, k])}, {z([2, k2, m])})"]
    return rng.choice(forms)


# ---- creation -----------------------------------------------------------------------------------

def creation_case(rng):
    shape = rshape(rng, 0, 4, 0, 4)
    if rng.random() < 0.05:
        shape = shape + [-1]
    fn = rng.choice(["torch.zeros", "torch.ones", "torch.randn", "torch.rand", "torch.empty"])
    forms = [f"{fn}({', '.join(map(str, shape))})", f"{fn}({tup(shape)})", f"{fn}({lst(shape)})",
             f"{fn}({z(shape)}.shape)" if -1 not in shape else f"{fn}({tup(shape)})",
             f"torch.full({tup(shape)}, 2.0)", f"torch.zeros_like({z([abs(s) for s in shape])})",
             f"torch.randn_like({z([abs(s) for s in shape])})", f"torch.full_like({z([abs(s) for s in shape])}, 3)",
             f"{z([2])}.new_zeros({', '.join(map(str, shape))})", f"{z([2])}.new_ones({tup(shape)})",
             f"{z([2])}.new_full({tup(shape)}, 1.5)",
             f"torch.arange({rng.randint(-3, 9)})", f"torch.arange({rng.randint(-3, 5)}, {rng.randint(-3, 9)})",
             f"torch.arange({rng.randint(-3, 5)}, {rng.randint(-3, 9)}, {rng.choice([1, 2, 3, -1, -2, 0])})",
             f"torch.arange({rng.choice([0, 0.5, -1.5])}, {rng.choice([1, 2.5, 3.3, 7])}, {rng.choice([0.1, 0.3, 0.5, 0.7, 1])})",
             f"torch.linspace(0, 1, {rng.randint(0, 7)})", f"torch.logspace(0, 2, steps={rng.randint(0, 5)})",
             f"torch.eye({rng.randint(0, 4)})", f"torch.eye({rng.randint(0, 4)}, {rng.randint(0, 4)})",
             f"torch.randint({rng.randint(1, 9)}, {tup(shape)})", f"torch.randint(0, {rng.randint(1, 9)}, {tup(shape)})",
             f"torch.tensor({rng.choice(['1.0', '[1, 2, 3]', '[[1, 2], [3, 4], [5, 6]]', '[]', '[[1], [2, 3]]', '[[[1]], [[2]]]', 'True'])})",
             f"torch.randperm({rng.randint(0, 5)})"]
    return rng.choice(forms)


# ---- F.pad -----------------------------------------------------------------------------------------

def pad_case(rng):
    rank = rng.randint(1, 5) if rng.random() < 0.3 else rng.randint(3, 5)
    shape = [rng.randint(1, 6) for _ in range(rank)]
    pairs = rng.randint(0, min(rank, 3) + (1 if rng.random() < 0.05 else 0))
    pads = [rng.randint(-3, 4) for _ in range(2 * pairs)]
    if rng.random() < 0.03:
        pads.append(1)
    mode = rng.choice(["", "", ", mode='constant'", ", mode='reflect'", ", mode='replicate'", ", mode='circular'"])
    value = ", value=1.0" if "reflect" not in mode and "replicate" not in mode and rng.random() < 0.2 else ""
    seq = tup(pads) if rng.random() < 0.5 else lst(pads)
    return f"F.pad({z(shape)}, {seq}{mode}{value})"


# ---- tensor ops of modern models (unfold/fold, grid_sample, scatter, diff, repeat_interleave) ----

def modern_case(rng):
    kind = rng.choice(["unfold", "fold", "grid_sample", "affine_grid", "scatter", "diff", "repeat_interleave"])
    if kind == "unfold":
        shape = [rng.randint(1, 2), rng.randint(1, 3), rng.randint(1, 7), rng.randint(1, 7)][rng.choice([0, 0, 0, 1]):]
        k, p, s, d = rng.randint(1, 4), rng.randint(0, 2), rng.randint(1, 3), rng.randint(1, 2)
        return f"F.unfold({z(shape)}, {rng.choice([k, (k, rng.randint(1, 3))])}, dilation={d}, padding={p}, stride={s})"
    if kind == "fold":
        out = (rng.randint(2, 8), rng.randint(2, 8))
        k, p, s = rng.randint(1, 3), rng.randint(0, 1), rng.randint(1, 3)
        blocks = [(o + 2 * p - (k - 1) - 1) // s + 1 for o in out]
        length = blocks[0] * blocks[1] if rng.random() < 0.8 else rng.randint(1, 20)
        c = rng.randint(1, 3) * k * k + (1 if rng.random() < 0.1 else 0)
        shape = [rng.randint(1, 2), c, length][rng.choice([0, 0, 1]):]
        return f"F.fold({z(shape)}, {out}, {k}, padding={p}, stride={s})"
    if kind == "grid_sample":
        rank = rng.choice([4, 4, 4, 5])
        n = rng.randint(1, 2)
        inp = [n, rng.randint(1, 3)] + [rng.randint(1, 5) for _ in range(rank - 2)]
        grid = [n if rng.random() < 0.9 else n + 1] + [rng.randint(1, 5) for _ in range(rank - 2)] + [rank - 2 if rng.random() < 0.9 else 3]
        mode = rng.choice(["bilinear", "nearest", "bicubic"])
        pad = rng.choice(["zeros", "border", "reflection"])
        return f"F.grid_sample({z(inp)}, {z(grid)}, mode='{mode}', padding_mode='{pad}', align_corners={rng.choice([True, False])})"
    if kind == "affine_grid":
        k = rng.choice([2, 2, 3])
        n = rng.randint(1, 3)
        size = [n if rng.random() < 0.9 else n + 1, rng.randint(1, 3)] + [rng.randint(1, 6) for _ in range(k)]
        theta = [n, k, k + 1] if rng.random() < 0.85 else [n, k + 1, k + 1]
        return f"F.affine_grid({z(theta)}, {size}, align_corners=False)"
    if kind == "scatter":
        shape = [rng.randint(1, 4) for _ in range(rng.randint(1, 3))]
        index = [rng.randint(1, x + (1 if rng.random() < 0.15 else 0)) for x in shape]
        dim = rng.randint(-len(shape), len(shape) - 1)
        idx = f"torch.zeros({', '.join(map(str, index))}, dtype=torch.long)"
        src = rng.choice([z(index), z([x + 1 for x in index]), "1.0"])
        fn = rng.choice(["scatter", "scatter_add"]) if src != "1.0" else "scatter"
        return f"{z(shape)}.{fn}({dim}, {idx}, {src})"
    if kind == "diff":
        shape = rshape(rng, 0, 3, 1, 5)
        n = rng.randint(0, 3)
        dim = rng.randint(-max(len(shape), 1), max(len(shape), 1) - 1)
        extra = f", prepend={z(shape[:-1] + [2])}" if shape and rng.random() < 0.3 else ""
        return f"torch.diff({z(shape)}, n={n}, dim={dim}{extra})"
    shape = rshape(rng, 0, 3, 1, 4)
    dim = f", dim={rng.randint(-max(len(shape), 1), max(len(shape), 1) - 1)}" if rng.random() < 0.7 else ""
    return f"torch.repeat_interleave({z(shape)}, {rng.randint(-1, 3)}{dim})"


FAMILIES = [
    ("index", index_case, 380), ("index_advanced", index_pair_case, 80), ("elementwise", elementwise_case, 260),
    ("unary", unary_case, 80), ("reduce", reduce_case, 260), ("view", view_case, 140), ("shape", shape_case, 420),
    ("cat", cat_case, 160), ("matmul", matmul_case, 160), ("creation", creation_case, 140), ("pad", pad_case, 160),
    ("modern", modern_case, 160),
]


def describe(value):
    if isinstance(value, torch.Tensor):
        return {"out": [list(value.shape)]}
    if isinstance(value, torch.Size):
        return {"value": list(value)}
    if isinstance(value, (tuple, list)) and all(isinstance(v, torch.Tensor) for v in value):
        return {"out": [list(v.shape) for v in value], "returns": "tuple"}
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"unexpected result {type(value)}")
    return {"value": value}


def main():
    rng = random.Random(SEED)
    cases = []
    seen = set()
    for family, make, count in FAMILIES:
        made = 0
        while made < count:
            expr = make(rng)
            if expr in seen:
                continue
            seen.add(expr)
            case = {"family": family, "expr": expr}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    value = eval(expr, {"torch": torch, "F": F})
                    case.update(describe(value))
                except Exception as e:  # noqa: BLE001 - the exception is the recorded answer
                    case["error"] = type(e).__name__
                    case["message"] = str(e).splitlines()[0] if str(e) else ""
            cases.append(case)
            made += 1
    out = {"generator": f"scripts/golden/tensor_functions.py with torch {torch.__version__}",
           "seed": SEED, "namespace": "torch, F = torch.nn.functional", "cases": cases}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=0, sort_keys=True)
        f.write("\n")
    errors = sum(1 for c in cases if "error" in c)
    print(f"{len(cases)} cases, {errors} raise, written to {os.path.relpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
