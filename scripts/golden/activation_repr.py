"""What torch 1.13 prints for activation, softmax and dropout modules: `module.extra_repr()`
for constructor calls with default and non-default arguments, or that the constructor raises.
The oracle for their `describe()` in server/src/engine/ops/activation.ts, whose rule is the one
every describe() keeps: name a hyperparameter when it differs from torch's default (defaults from
signatures.json), with torch's value. Read by test/unit/activation-describe-golden.test.ts.
Deterministic (no date).

    /usr/bin/python3 scripts/golden/activation_repr.py   # writes test/golden/torch/activation_repr.json
"""
import json
import os
import warnings

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'torch', 'activation_repr.json')

CASES = [
    'nn.ReLU()', 'nn.ReLU(inplace=True)', 'nn.ReLU(True)', 'nn.ReLU6()', 'nn.ReLU6(inplace=True)',
    'nn.LeakyReLU()', 'nn.LeakyReLU(0.2)', 'nn.LeakyReLU(0.2, True)', 'nn.LeakyReLU(negative_slope=0.01, inplace=True)',
    'nn.PReLU()', 'nn.PReLU(64)', 'nn.PReLU(num_parameters=1, init=0.1)', 'nn.PReLU(0)', 'nn.PReLU(-1)',
    'nn.RReLU()', 'nn.RReLU(0.1, 0.3)', 'nn.RReLU(0.125, 0.5)', 'nn.RReLU(0.2, 0.3333333333333333)', 'nn.RReLU(0.125)',
    'nn.RReLU(inplace=True)',
    'nn.ELU()', 'nn.ELU(0.5)', 'nn.ELU(alpha=1.0, inplace=True)', 'nn.SELU()', 'nn.SELU(inplace=True)',
    'nn.CELU()', 'nn.CELU(2.0)', 'nn.CELU(alpha=0.5, inplace=True)',
    "nn.GELU()", "nn.GELU(approximate='tanh')", "nn.GELU('none')", "nn.GELU('tanh')",
    'nn.SiLU()', 'nn.SiLU(inplace=True)', 'nn.Mish(inplace=True)', 'nn.Sigmoid()', 'nn.Tanh()', 'nn.LogSigmoid()',
    'nn.Softsign()', 'nn.Tanhshrink()',
    'nn.Hardshrink()', 'nn.Hardshrink(0.3)', 'nn.Hardshrink(lambd=0.5)', 'nn.Softshrink()', 'nn.Softshrink(1.0)',
    'nn.Softshrink(lambd=0.25)',
    'nn.Hardswish()', 'nn.Hardswish(inplace=True)', 'nn.Hardsigmoid(inplace=True)',
    'nn.Hardtanh()', 'nn.Hardtanh(0, 6)', 'nn.Hardtanh(-1, 2)', 'nn.Hardtanh(-2, 1)', 'nn.Hardtanh(-1.0, 1.0, True)',
    'nn.Hardtanh(min_value=0.0, max_value=6.0)', 'nn.Hardtanh(min_val=-3, max_value=3)', 'nn.Hardtanh(min_value=-2.0)',
    'nn.Hardtanh(1.0, 1.0)', 'nn.Hardtanh(2, 1)', 'nn.Hardtanh(min_val=0.0, max_val=6.0, min_value=1.0, max_value=1.0)',
    'nn.Softplus()', 'nn.Softplus(2)', 'nn.Softplus(beta=1, threshold=10)', 'nn.Softplus(2, 10)',
    'nn.Threshold(0.1, 20)', 'nn.Threshold(0.1, 20.0, True)', 'nn.Threshold(threshold=-1, value=0)',
    'nn.GLU()', 'nn.GLU(1)', 'nn.GLU(dim=-1)', 'nn.GLU(0)',
    'nn.Softmax()', 'nn.Softmax(1)', 'nn.Softmax(dim=-1)', 'nn.LogSoftmax(dim=1)', 'nn.Softmin(0)', 'nn.Softmax2d()',
    'nn.Dropout()', 'nn.Dropout(0.1)', 'nn.Dropout(0.5, True)', 'nn.Dropout(p=0.0)', 'nn.Dropout(1)', 'nn.Dropout(1.5)',
    'nn.Dropout(-0.1)', 'nn.Dropout2d(0.2)', 'nn.Dropout1d(0.3)', 'nn.Dropout3d()', 'nn.Dropout3d(inplace=True)',
    'nn.AlphaDropout(0.2)', 'nn.FeatureAlphaDropout(0.1)', 'nn.AlphaDropout(2.0)',
]


def main():
    results = []
    for expr in CASES:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # Hardtanh's min_value/max_value are deprecated
            try:
                module = eval(expr, {'nn': nn})
                results.append({'expr': expr, 'extra_repr': module.extra_repr()})
            except Exception as e:  # noqa: BLE001 - any refusal is the answer
                results.append({'expr': expr, 'error': f'{type(e).__name__}: {e}'})
    with open(OUT, 'w') as f:
        json.dump({'generator': f'scripts/golden/activation_repr.py, torch {torch.__version__}', 'cases': results}, f, indent=0)
        f.write('\n')


if __name__ == '__main__':
    main()
