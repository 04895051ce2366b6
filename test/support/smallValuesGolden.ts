// Runs the snippets of a small-values golden (scripts/golden/small_values.py's format: each
// snippet's RESULT as Python printed it with real torch / NumPy) through the analysis, shared by
// smallValues-golden and mob-smallValues-golden. A number the analysis gives must be torch's;
// Unknown is allowed only where the golden marks the case uncertain (`known: false`).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalPython } from '../unit/timmIdiomsSupport';

interface Case { code: string; known: boolean; result: string }

export interface SmallValuesOutcome {
  /** Cases answered with another value, or Unknown where the golden says the value is known. */
  wrong: string[];
  /** Uncertain cases (`known: false`), and those of them left Unknown. */
  optional: number;
  unknownOptional: number;
}

export function compareSmallValues(goldenFile: string): SmallValuesOutcome {
  const golden = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', goldenFile), 'utf8')) as { cases: Case[] };
  const out: SmallValuesOutcome = { wrong: [], optional: 0, unknownOptional: 0 };
  for (const c of golden.cases) {
    const run = evalPython(`import math\nimport numpy as np\nimport torch\n${c.code}`);
    const unknown = run.result.includes('<unknown');
    if (!c.known) out.optional++;
    if (unknown) {
      if (c.known) out.wrong.push(`${c.code}→ Unknown (${run.result.slice(0, 300)}); torch gives ${c.result}`);
      else out.unknownOptional++;
      continue;
    }
    if (run.result !== c.result) out.wrong.push(`${c.code}→ ${run.result}; torch gives ${c.result}`);
  }
  return out;
}
