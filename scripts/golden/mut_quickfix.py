"""Real PyTorch facts for the quick-fix tests (test/unit/codeActions.test.ts).

For 1-D transposed convolutions (a 2-D one with a square kernel is this on each axis): the output
length for two input lengths, and whether the overlap is even, measured by running the layer with
all-ones weights on an all-ones input (each output value is its number of taps; even = every value
away from the borders equal). For nearest up-sampling followed by a stride-1 convolution: the
output length. Run with Debian's interpreter:

    /usr/bin/python3 scripts/golden/mut_quickfix.py   # writes test/golden/torch/mut_quickfix.json
"""
import json
import os

import torch

torch.manual_seed(0)
LENGTHS = [7, 8]
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'mut_quickfix.json')


def transposed(k, s, p, op):
    lengths = []
    for n in LENGTHS:
        layer = torch.nn.ConvTranspose1d(1, 1, k, stride=s, padding=p, output_padding=op, bias=False)
        with torch.no_grad():
            layer.weight.fill_(1.0)
            try:
                lengths.append(int(layer(torch.ones(1, 1, n)).shape[-1]))
            except RuntimeError:
                return None
    # Taps per position on a long input, no padding, borders (k positions each side) left out.
    layer = torch.nn.ConvTranspose1d(1, 1, k, stride=s, bias=False)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        taps = layer(torch.ones(1, 1, 40))[0, 0].tolist()
    interior = taps[k:len(taps) - k]
    return {'k': k, 's': s, 'p': p, 'op': op, 'lengths': lengths, 'even': len(set(interior)) == 1}


def resize(s, k, p):
    lengths = []
    for n in LENGTHS:
        up = torch.nn.Upsample(scale_factor=s, mode='nearest')
        conv = torch.nn.Conv1d(1, 1, k, padding=p)
        try:
            lengths.append(int(conv(up(torch.ones(1, 1, n))).shape[-1]))
        except RuntimeError:
            return None
    return {'s': s, 'k': k, 'p': p, 'lengths': lengths}


def main():
    transposed_rows = []
    for s in (1, 2, 3, 4):
        for k in range(1, 9):
            for p in range(0, 5):
                for op in range(0, s):
                    row = transposed(k, s, p, op)
                    if row:
                        transposed_rows.append(row)
    resize_rows = []
    for s in (2, 3, 4):
        for k in range(1, 9):
            for p in range(0, 5):
                row = resize(s, k, p)
                if row:
                    resize_rows.append(row)
    data = {
        'generator': 'scripts/golden/mut_quickfix.py',
        'torch': torch.__version__,
        'inputLengths': LENGTHS,
        'transposed': transposed_rows,
        'resize': resize_rows,
    }
    with open(OUT, 'w') as f:
        json.dump(data, f, indent=0)
        f.write('\n')


if __name__ == '__main__':
    main()
