"""Random (fixed-seed) calls of the shape functions an abstract interpreter must get right, and what
real PyTorch answers: the output shape(s), or the exception type and the first line of its message.

Each case is a self-contained Python expression over `torch`, `F` (torch.nn.functional) and `nn`,
so a test can parse it with the engine's own front end and compare. Imported by trace_models.py.
"""
import json
import random
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20240611


def z(shape):
    return f"torch.zeros({', '.join(str(s) for s in shape)})"


def tup(values):
    return f"({', '.join(str(v) for v in values)}{',' if len(values) == 1 else ''})"


def pick_float(rng):
    return rng.choice([0.5, 0.75, 1.5, 2, 2.0, 2.5, 3, 0.3, 1.7, 1 / 3, 4])


# ---- F.interpolate / nn.Upsample -------------------------------------------------------------

MODES_BY_RANK = {1: ["nearest", "nearest-exact", "linear", "area"],
                 2: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
                 3: ["nearest", "nearest-exact", "trilinear", "area"]}


def interpolate_case(rng):
    rank = rng.choice([1, 2, 2, 2, 3])
    shape = [rng.randint(1, 2), rng.randint(1, 4)] + [rng.randint(1, 13) for _ in range(rank)]
    mode = rng.choice(MODES_BY_RANK[rank])
    if rng.random() < 0.06:  # a mode of the wrong rank: torch refuses
        mode = rng.choice(["linear", "bilinear", "bicubic", "trilinear"])
    kwargs = []
    how = rng.random()
    if how < 0.4:
        if rng.random() < 0.5:
            kwargs.append(f"size={rng.randint(1, 20)}")
        else:
            n = rank if rng.random() > 0.05 else rank + 1
            kwargs.append(f"size={tup([rng.randint(1, 20) for _ in range(n)])}")
    elif how < 0.95:
        if rng.random() < 0.5:
            kwargs.append(f"scale_factor={pick_float(rng)!r}")
        else:
            kwargs.append(f"scale_factor={tup([pick_float(rng) for _ in range(rank)])}")
        if rng.random() < 0.25:
            kwargs.append(f"recompute_scale_factor={rng.choice([True, False])}")
    else:  # both or neither: torch refuses
        if rng.random() < 0.5:
            kwargs += [f"size={rng.randint(1, 9)}", "scale_factor=2"]
    kwargs.append(f"mode={mode!r}")
    if mode in ("linear", "bilinear", "bicubic", "trilinear"):
        ac = rng.choice([True, False, None])
        if ac is not None:
            kwargs.append(f"align_corners={ac}")
    elif rng.random() < 0.08:
        kwargs.append("align_corners=True")  # only the linear modes accept it
    if rng.random() < 0.2 and "size=" not in " ".join(kwargs) and "scale_factor=" in " ".join(kwargs):
        args = ", ".join(kwargs)
        return f"nn.Upsample({args})({z(shape)})"
    return f"F.interpolate({z(shape)}, {', '.join(kwargs)})"


# ---- convolution -------------------------------------------------------------------------------

def conv_case(rng):
    rank = rng.choice([1, 2, 2, 2, 3])
    groups = rng.choice([1, 1, 1, 2, 4])
    cin = groups * rng.randint(1, 3)
    cout = groups * rng.randint(1, 3)
    spatial = [rng.randint(1, 15) for _ in range(rank)]
    in_channels = cin if rng.random() > 0.05 else cin + 1  # channel mismatch: torch refuses
    k = [rng.choice([1, 2, 3, 5, 7]) for _ in range(rank)]
    kw = ["kernel_size=" + (str(k[0]) if len(set(k)) == 1 and rng.random() < 0.5 else tup(k))]
    stride = rng.choice([1, 1, 2, 3])
    pad_choice = rng.random()
    if pad_choice < 0.12:
        kw.append(f"padding={rng.choice(['same', 'valid'])!r}")
    else:
        kw.append(f"padding={rng.randint(0, 3)}")
    if stride != 1:
        kw.append(f"stride={stride}")
    if rng.random() < 0.3:
        kw.append(f"dilation={rng.randint(1, 4)}")
    if groups != 1:
        kw.append(f"groups={groups}")
    if rng.random() < 0.1:
        kw.append("padding_mode='reflect'")
    return f"nn.Conv{rank}d({cin}, {cout}, {', '.join(kw)})({z([1, in_channels] + spatial)})"


def conv_transpose_case(rng):
    rank = rng.choice([1, 2, 2, 2, 3])
    groups = rng.choice([1, 1, 2])
    cin = groups * rng.randint(1, 3)
    cout = groups * rng.randint(1, 3)
    spatial = [rng.randint(1, 9) for _ in range(rank)]
    k = rng.choice([1, 2, 3, 4, 5, 16])
    s = rng.choice([1, 2, 2, 3, 8])
    p = rng.randint(0, k // 2 + (1 if rng.random() < 0.1 else 0))
    d = rng.choice([1, 1, 1, 2])
    kw = [f"kernel_size={k}", f"stride={s}", f"padding={p}"]
    if d != 1:
        kw.append(f"dilation={d}")
    if groups != 1:
        kw.append(f"groups={groups}")
    call_kw = ""
    if rng.random() < 0.3:
        op = rng.randint(0, s)  # op == s is out of range: torch refuses
        kw.append(f"output_padding={op}")
    elif rng.random() < 0.5:
        base = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n in spatial]
        size = [b + rng.randint(-1, s) for b in base]  # sometimes outside [base, base + s - 1]
        call_kw = f", output_size={size if rng.random() < 0.5 else [1, cout] + size}"
    return f"nn.ConvTranspose{rank}d({cin}, {cout}, {', '.join(kw)})({z([1, cin] + spatial)}{call_kw})"


# ---- pooling -------------------------------------------------------------------------------------

def pool_case(rng):
    kind = rng.choice(["max", "max", "avg"])
    rank = rng.choice([1, 2, 2, 3])
    spatial = [rng.randint(1, 12) for _ in range(rank)]
    k = rng.randint(1, 5)
    s = rng.choice([None, 1, 2, 3, k])
    p = rng.randint(0, k // 2 + (1 if rng.random() < 0.1 else 0))  # p > k/2: torch refuses
    args = [f"kernel_size={k}"]
    if s is not None:
        args.append(f"stride={s}")
    if p:
        args.append(f"padding={p}")
    if kind == "max" and rng.random() < 0.3:
        args.append(f"dilation={rng.randint(1, 3)}")
    if rng.random() < 0.6:
        args.append("ceil_mode=True")
    if kind == "avg" and rng.random() < 0.4:
        args.append(f"count_include_pad={rng.choice([True, False])}")
    cls = f"nn.{'Max' if kind == 'max' else 'Avg'}Pool{rank}d"
    if rng.random() < 0.3:
        fn = f"F.{kind}_pool{rank}d"
        return f"{fn}({z([1, 2] + spatial)}, {', '.join(args)})"
    return f"{cls}({', '.join(args)})({z([1, 2] + spatial)})"


def adaptive_case(rng):
    kind = rng.choice(["avg", "max"])
    rank = rng.choice([1, 2, 2, 3])
    spatial = [rng.randint(1, 15) for _ in range(rank)]
    if rng.random() < 0.3:
        out = str(rng.randint(1, 9))
    else:
        out = tup([rng.choice([None, 1, 2, 3, 5, 7, 9]) if rank > 1 else rng.randint(1, 9) for _ in range(rank)])
    return f"F.adaptive_{kind}_pool{rank}d({z([1, 3] + spatial)}, {out})"


# ---- joining, splitting, reshaping ----------------------------------------------------------------

def cat_case(rng):
    rank = rng.randint(1, 4)
    base = [rng.randint(1, 5) for _ in range(rank)]
    dim = rng.randint(-rank, rank - 1)
    tensors = []
    for _ in range(rng.randint(1, 3)):
        shape = list(base)
        shape[dim] = rng.randint(1, 4)
        if rng.random() < 0.08 and rank > 1:  # a mismatch off the cat dimension
            other = (dim + 1) % rank
            shape[other] += 1
        tensors.append(z(shape))
    fn = "torch.stack" if rng.random() < 0.15 else "torch.cat"
    if fn == "torch.stack":
        tensors = [z(base)] * len(tensors)
        dim = rng.randint(-rank - 1, rank)
    dim_text = f", dim={dim}" if rng.random() < 0.7 else f", {dim}"
    return f"{fn}([{', '.join(tensors)}]{dim_text})"


def view_case(rng):
    rank = rng.randint(1, 4)
    shape = [rng.randint(1, 6) for _ in range(rank)]
    numel = 1
    for s in shape:
        numel *= s
    target = []
    remaining = numel
    for _ in range(rng.randint(1, 3)):
        divisors = [d for d in range(1, remaining + 1) if remaining % d == 0]
        d = rng.choice(divisors)
        target.append(d)
        remaining //= d
    if remaining != 1:
        target.append(remaining)
    i = rng.randrange(len(target))
    target[i] = -1
    if rng.random() < 0.1:
        target[i] = rng.randint(2, 7)  # probably not a divisor: torch refuses
    if rng.random() < 0.05:
        target.append(-1)  # two -1: torch refuses
    method = rng.choice(["view", "view", "reshape"])
    if rng.random() < 0.4:
        return f"{z(shape)}.{method}({', '.join(map(str, target))})"
    if rng.random() < 0.1 and rank >= 2:
        return f"{z(shape)}.transpose(0, 1).view({', '.join(map(str, target))})"
    return f"{z(shape)}.{method}({target})"


def pad_case(rng):
    rank = rng.choice([3, 4, 4, 5])
    shape = [1, 2] + [rng.randint(1, 8) for _ in range(rank - 2)]
    mode = rng.choice(["constant", "constant", "constant", "reflect", "replicate", "circular"])
    n_pairs = rng.randint(1, rank - 2) if mode == "constant" else rank - 2
    pads = [rng.randint(-3, 4) for _ in range(2 * n_pairs)]
    if mode != "constant" and rng.random() < 0.7:
        pads = [abs(p) for p in pads]
    extra = "" if mode == "constant" and rng.random() < 0.6 else f", mode={mode!r}"
    if mode == "constant" and rng.random() < 0.3:
        extra += ", value=1.0"
    pads_text = f"[{', '.join(map(str, pads))}]" if rng.random() < 0.6 else tup(pads)
    return f"F.pad({z(shape)}, {pads_text}{extra})"


def split_case(rng):
    rank = rng.randint(1, 3)
    shape = [rng.randint(1, 11) for _ in range(rank)]
    dim = rng.randint(-rank, rank - 1)
    r = rng.random()
    if r < 0.35:
        return f"torch.chunk({z(shape)}, {rng.randint(1, 6)}, dim={dim})"
    if r < 0.5:
        return f"{z(shape)}.chunk({rng.randint(1, 6)}, {dim})"
    if r < 0.75:
        return f"torch.split({z(shape)}, {rng.randint(1, 6)}, dim={dim})"
    n = shape[dim]
    sizes = []
    while sum(sizes) < n:
        sizes.append(rng.randint(0, n - sum(sizes)))
    if rng.random() < 0.15:
        sizes[-1] += 1  # sizes that do not sum to the dimension: torch refuses
    return f"{z(shape)}.split({sizes}, dim={dim})"


def shuffle_case(rng):
    r = rng.choice([1, 2, 3, 4])
    unshuffle = rng.random() < 0.4
    if unshuffle:
        c = rng.randint(1, 3)
        h, w = r * rng.randint(1, 4), r * rng.randint(1, 4)
        if rng.random() < 0.2:
            w += 1  # not divisible: torch refuses
        op = "nn.PixelUnshuffle" if rng.random() < 0.5 else "F.pixel_unshuffle"
        shape = [1, c, h, w]
    else:
        c = r * r * rng.randint(1, 3)
        if rng.random() < 0.2:
            c += 1
        op = "nn.PixelShuffle" if rng.random() < 0.5 else "F.pixel_shuffle"
        shape = [rng.randint(1, 2), c, rng.randint(1, 5), rng.randint(1, 5)]
    if op.startswith("nn."):
        return f"{op}({r})({z(shape)})"
    return f"{op}({z(shape)}, {r})"


def misc_case(rng):
    r = rng.random()
    if r < 0.2:
        rank = rng.randint(1, 4)
        shape = [rng.randint(1, 5) for _ in range(rank)]
        start = rng.randint(-rank, rank - 1)
        end = rng.randint(-rank, rank - 1)
        return f"torch.flatten({z(shape)}, {start}, {end})"
    if r < 0.4:
        a = [rng.choice([1, 2, 3]) for _ in range(rng.randint(1, 4))]
        b = [rng.choice([1, 2, 3]) for _ in range(rng.randint(1, 4))]
        return f"{z(a)} + {z(b)}"
    if r < 0.6:
        n, k, m = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)
        batch_a = [rng.randint(1, 3) for _ in range(rng.randint(0, 2))]
        batch_b = [rng.randint(1, 3) for _ in range(rng.randint(0, 2))]
        kb = k if rng.random() > 0.1 else k + 1
        a = batch_a + ([n, k] if rng.random() > 0.15 else [k])
        b = batch_b + ([kb, m] if rng.random() > 0.15 else [kb])
        return f"torch.matmul({z(a)}, {z(b)})"
    if r < 0.7:
        shape = [rng.randint(1, 4) for _ in range(4)]
        perm = list(range(4))
        rng.shuffle(perm)
        return f"{z(shape)}.permute({', '.join(map(str, perm))})"
    if r < 0.8:
        shape = [rng.choice([1, 2, 3]) for _ in range(rng.randint(1, 4))]
        if rng.random() < 0.5:
            return f"{z(shape)}.squeeze({rng.randint(-len(shape), len(shape) - 1)})"
        return f"{z(shape)}.unsqueeze({rng.randint(-len(shape) - 1, len(shape))})"
    if r < 0.9:
        shape = [2, 12, rng.randint(1, 4)]
        sizes = rng.choice([(3, 4), (2, 6), (-1, 3), (5, 2)])
        return f"nn.Unflatten(1, {tup(sizes)})({z(shape)})"
    shape = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
    return f"{z(shape)}.transpose({rng.randint(-len(shape), len(shape) - 1)}, {rng.randint(0, len(shape) - 1)})"


def pool_ceil_edge_cases():
    """ceil_mode pools whose last window would start in the right padding (or past the input): torch
    drops that window, so the output is one shorter than ceil((L + 2p - d(k-1) - 1) / s) + 1.
    Found by enumeration so the file is sure to hold some; returns (expr, naive size) pairs."""
    found = []
    for kind in ("max", "avg"):
        for length in range(1, 10):
            for k in range(1, 5):
                for s in range(1, 5):
                    for p in range(0, k // 2 + 1):
                        naive = -(-(length + 2 * p - k) // s) + 1
                        if naive < 1:
                            continue
                        expr = f"F.{kind}_pool1d({z([1, 1, length])}, {k}, stride={s}, padding={p}, ceil_mode=True)"
                        found.append((expr, naive))
    return found


FAMILIES = [  # (name, generator, how many)
    ("interpolate", interpolate_case, 60),
    ("conv", conv_case, 45),
    ("conv_transpose", conv_transpose_case, 40),
    ("pool", pool_case, 50),
    ("adaptive_pool", adaptive_case, 20),
    ("cat", cat_case, 20),
    ("view", view_case, 25),
    ("pad", pad_case, 25),
    ("split", split_case, 25),
    ("pixel_shuffle", shuffle_case, 15),
    ("misc", misc_case, 25),
]


def evaluate(expr):
    namespace = {"torch": torch, "F": F, "nn": nn}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = eval(expr, namespace)
    except Exception as exc:  # the error torch raises is the answer being recorded
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return {"error": type(exc).__name__, "message": message}
    if isinstance(result, torch.Tensor):
        return {"out": [list(result.shape)]}
    return {"out": [list(t.shape) for t in result], "returns": type(result).__name__}


def cases():
    rng = random.Random(SEED)
    torch.manual_seed(0)
    seen = set()
    out = []
    for family, gen, count in FAMILIES:
        made = 0
        attempts = 0
        while made < count and attempts < count * 20:
            attempts += 1
            expr = gen(rng)
            if expr in seen:
                continue
            seen.add(expr)
            case = {"family": family, "expr": expr}
            case.update(evaluate(expr))
            out.append(case)
            made += 1
    # 30 ceil_mode edge cases where torch differs from the naive formula, and 10 where it does not.
    edge = [(expr, naive) for expr, naive in pool_ceil_edge_cases() if expr not in seen]
    differing = [(e, n) for e, n in edge if evaluate(e).get("out", [[None]])[0][-1] != n]
    agreeing = [(e, n) for e, n in edge if (e, n) not in differing]
    chosen = rng.sample(differing, min(30, len(differing))) + rng.sample(agreeing, min(10, len(agreeing)))
    for expr, naive in chosen:
        case = {"family": "pool_ceil_edge", "expr": expr, "naive_ceil_formula": naive}
        case.update(evaluate(expr))
        out.append(case)
    return out


def write(path, stamp):
    all_cases = cases()
    lines = ["{", '"cases": [']
    for i, case in enumerate(all_cases):
        lines.append(json.dumps(case, sort_keys=True) + ("," if i < len(all_cases) - 1 else ""))
    lines += ["],", f'"generator": {json.dumps(stamp)},',
              '"namespace": "torch, F = torch.nn.functional, nn = torch.nn; inputs are torch.zeros",',
              f'"seed": {SEED}', "}"]
    text = "\n".join(lines) + "\n"
    json.loads(text)
    path.write_text(text)
    errors = sum(1 for c in all_cases if "error" in c)
    print(f"functions.json: {len(all_cases)} cases, {errors} raise")
