// Deterministic mutations of model source: what an editor sees while someone types, pastes or
// deletes, plus constructs that would loop or blow up if they were run.

import { type Random, pick, randomInt as int } from './prng';

/** Fragments people leave half-typed, and constructs that would loop or blow up if run. */
const TOKENS = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', '**', '*', '=', '"', "'''", '\\', '\n', '    ', '\t', '#',
  'nn.Conv2d(3,', 'nn.Conv2d(3, 64, kernel_size=0)', 'nn.ConvTranspose2d(64, 3, 3, 2,', 'self.', 'x = ', 'return ',
  'lambda: ', 'super().__init__()', 'x = torch.cat([x, x], dim=7)', 'x.view(-1, 3, 0)', 'nn.Linear(10**9, 10**9)',
  '\nwhile True:\n    pass\n', '\nwhile True: x = x + 1\n', '\ndef f(): return f()\nf()\n',
  '\ndef g(n): return g(n + 1) + g(n + 2)\ng(0)\n', '\nfor i in range(10**9): pass\n', '\nx = [0] * 10**9\n',
  '\nx = "a" * 10**9\n', '10**9', '10**100', '2**64', '-1', '0', '1e308 * 10', 'float("nan")', 'None',
  '\nclass Broken(nn.Module):\n    def forward(self, x):\n        return self(x)\n',
  '\nclass Loop(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.m = Loop()\n',
  '\nimport nonexistent_module\n', '\nfrom . import sibling\n', 'del self.', 'yield ', 'async ', 'await ',
];

/** The same for TypeScript / JavaScript (TensorFlow.js) files. */
const SCRIPT_TOKENS = [
  '(', ')', '[', ']', '{', '}', ':', ',', '.', ';', '=>', '`', '"', "'", '/*', '//', '\n',
  'tf.layers.conv2d({filters: 0, kernelSize: 3})', 'tf.layers.dense({units: 1e12})', 'model.add(',
  '\nwhile (true) {}\n', '\nfor (;;) { x = x + 1; }\n', '\nfunction f() { return f(); }\nf();\n',
  '\nconst a = new Array(1e9).fill(0);\n', "\nconst z = require('/dev/zero');\n", "\nimport env from '/proc/self/environ';\n",
  "\nimport missing from './missing';\n", '\nclass C extends C {}\n', '2**64', '1e308 * 10', 'NaN', 'undefined', 'null',
];

export interface Mutation {
  text: string;
  steps: string[];
}

function lines(text: string): string[] {
  return text.split('\n');
}

function mutateOnce(text: string, random: Random, tokens: readonly string[]): { text: string; step: string } {
  const kind = int(random, 7);
  switch (kind) {
    case 0: {
      const from = int(random, text.length + 1);
      const length = 1 + int(random, 200);
      return { text: text.slice(0, from) + text.slice(from + length), step: `delete ${from}+${length}` };
    }
    case 1: {
      const ls = lines(text);
      const at = int(random, ls.length);
      ls.splice(at, 0, ls[at]);
      return { text: ls.join('\n'), step: `duplicate line ${at + 1}` };
    }
    case 2: {
      const at = int(random, text.length + 1);
      const token = pick(random, tokens);
      return { text: text.slice(0, at) + token + text.slice(at), step: `insert ${JSON.stringify(token)} at ${at}` };
    }
    case 3: {
      const at = int(random, text.length + 1);
      return { text: text.slice(0, at), step: `truncate at ${at}` };
    }
    case 4: {
      const ls = lines(text);
      const a = int(random, ls.length);
      const b = int(random, ls.length);
      [ls[a], ls[b]] = [ls[b], ls[a]];
      return { text: ls.join('\n'), step: `swap lines ${a + 1} and ${b + 1}` };
    }
    case 5: {
      // A huge number in place of one of the file's numbers: channels, kernel sizes, strides.
      const numbers = [...text.matchAll(/\b\d+\b/g)];
      if (numbers.length === 0) return { text, step: 'no number to replace' };
      const m = pick(random, numbers);
      const huge = pick(random, ['10**9', '999999999999', '2**62', '0', '10**18']);
      const at = m.index ?? 0;
      return { text: text.slice(0, at) + huge + text.slice(at + m[0].length), step: `number at ${at} → ${huge}` };
    }
    default: {
      // Re-indent a line: the commonest way a paste goes wrong.
      const ls = lines(text);
      const at = int(random, ls.length);
      ls[at] = pick(random, ['', '  ', '        ', '\t']) + ls[at].trimStart();
      return { text: ls.join('\n'), step: `re-indent line ${at + 1}` };
    }
  }
}

/** `script`: the source is TypeScript or JavaScript (its own hostile tokens). */
export function mutate(source: string, random: Random, script = false): Mutation {
  const tokens = script ? SCRIPT_TOKENS : TOKENS;
  let text = source;
  const steps: string[] = [];
  const count = 1 + int(random, 3);
  for (let i = 0; i < count; i++) {
    const next = mutateOnce(text, random, tokens);
    text = next.text;
    steps.push(next.step);
  }
  return { text, steps };
}
