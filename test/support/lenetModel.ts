// A LeNet-like model whose file's own test() calls it with a given input, shared by the quick-fix
// tests of input shapes; and the brute force those tests take their expected sizes from.

/** Conv2d(3, 4, 5) → MaxPool2d(2) → Linear(4·14·14, 10): runs on H, W with ⌊(n − 4)/2⌋ = 14. */
export function lenetWithTest(inputSize: number): string {
  return [
    'import torch',
    'import torch.nn as nn',
    '',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(3, 4, 5)',
    '        self.pool = nn.MaxPool2d(2)',
    '        self.fc = nn.Linear(4 * 14 * 14, 10)',
    '',
    '    def forward(self, x):',
    '        x = self.pool(self.conv(x))',
    '        return self.fc(x.flatten(1))',
    '',
    '',
    'def test():',
    '    net = Net()',
    `    y = net(torch.randn(2, 3, ${inputSize}, ${inputSize}))`,
    '',
  ].join('\n');
}

/** Every n in 1–512 for which `f` gives `want`. */
export function sizesWhere(f: (n: number) => number, want: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= 512; n++) if (f(n) === want) out.push(n);
  return out;
}

/** Two models in one file: Good (Conv2d(3, 4, 3, padding=1) keeps n, runs on any size) and Bad
 *  (Conv2d(k=5) gives n − 4 and its Linear takes 4·28·28: n = 32 only). `goodHead`: lines put at
 *  the top of Good's class body. */
export function goodAndBadModels(goodHead: string[] = []): string {
  return [
    'import torch.nn as nn',
    '',
    '',
    'class Good(nn.Module):',
    ...goodHead,
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(3, 4, 3, padding=1)',
    '',
    '    def forward(self, x):',
    '        return self.conv(x)',
    '',
    '',
    'class Bad(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(3, 4, 5)',
    '        self.fc = nn.Linear(4 * 28 * 28, 10)',
    '',
    '    def forward(self, x):',
    '        return self.fc(self.conv(x).flatten(1))',
    '',
  ].join('\n');
}
