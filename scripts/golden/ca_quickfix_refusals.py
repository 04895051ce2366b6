"""Real PyTorch facts for the quick fixes that must be refused (test/unit/codeActionsRefusals.test.ts).

- outputSize: for ConvTranspose1d(k, stride=2, padding=p) on an input of length 8, every
  output_size in 1..40 that torch's forward accepts (it picks output_padding from it).
- sequentialOutputSize: whether nn.Sequential(Upsample, Conv1d) accepts forward(x, output_size=...)
  (what a resize-convolution edit would leave a caller that passes output_size).
- sequentialKernelSize: whether nn.Sequential(Upsample, Conv1d) has a kernel_size attribute (what
  a resize-convolution edit would leave code that reads layer.kernel_size).
- outputPadding: for ConvTranspose1d(4, stride=s, padding=2, output_padding=op), whether torch
  builds and runs it (output_padding must be smaller than the stride).
- conv: Conv1d(kernel_size=k) output length on an input of length 16 (a later layer built with
  another layer's kernel_size).
- transposedPaddingModes: which padding_mode values ConvTranspose2d accepts (so every transposed
  convolution a fix sees pads with zeros, as the resize fix's Conv2d does by default).

    /usr/bin/python3 scripts/golden/ca_quickfix_refusals.py   # writes test/golden/torch/ca_quickfix_refusals.json
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'ca_quickfix_refusals.json')


def accepted_output_sizes(k, p, n=8):
    layer = torch.nn.ConvTranspose1d(1, 1, k, stride=2, padding=p)
    sizes = []
    for size in range(1, 41):
        try:
            if int(layer(torch.ones(1, 1, n), output_size=[size]).shape[-1]) == size:
                sizes.append(size)
        except (RuntimeError, ValueError):
            pass
    return sizes


def sequential_accepts_output_size():
    seq = torch.nn.Sequential(torch.nn.Upsample(scale_factor=2, mode='nearest'), torch.nn.Conv1d(1, 1, 3, padding=1))
    try:
        seq(torch.ones(1, 1, 8), output_size=[16])
        return True
    except TypeError:
        return False


def output_padding_ok(s, op):
    try:
        layer = torch.nn.ConvTranspose1d(1, 1, 4, stride=s, padding=2, output_padding=op)
        layer(torch.ones(1, 1, 8))
        return True
    except (RuntimeError, ValueError):
        return False


def transposed_padding_mode_ok(mode):
    try:
        torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding_mode=mode)
        return True
    except ValueError:
        return False


def main():
    data = {
        'generator': 'scripts/golden/ca_quickfix_refusals.py',
        'torch': torch.__version__,
        'outputSize': [{'k': k, 's': 2, 'p': p, 'n': 8, 'accepted': accepted_output_sizes(k, p)} for k in range(1, 9) for p in range(0, 5)],
        'sequentialOutputSize': sequential_accepts_output_size(),
        'sequentialKernelSize': hasattr(torch.nn.Sequential(torch.nn.Upsample(scale_factor=2), torch.nn.Conv1d(1, 1, 3)), 'kernel_size'),
        'outputPadding': [{'s': s, 'op': op, 'ok': output_padding_ok(s, op)} for s in range(1, 5) for op in range(0, 5)],
        'transposedPaddingModes': {m: transposed_padding_mode_ok(m) for m in ('zeros', 'reflect', 'replicate', 'circular')},
        'conv': [{'k': k, 'n': 16, 'length': int(torch.nn.Conv1d(1, 1, k)(torch.ones(1, 1, 16)).shape[-1])} for k in range(1, 9)],
    }
    with open(OUT, 'w') as f:
        json.dump(data, f, indent=0)
        f.write('\n')


if __name__ == '__main__':
    main()
