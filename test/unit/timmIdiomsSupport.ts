// Runs a Python text under the analysis and gives back the repr of its `RESULT` and the
// diagnostics: for the unit tests of the Python idioms library code leans on.

import { Interpreter } from '../../server/src/engine/python/interpreter';
import { installBuiltins } from '../../server/src/engine/python/builtins';
import { installTorch } from '../../server/src/engine/python/torchLib';
import { repr, type Value } from '../../server/src/engine/python/values';

export interface Evaluated { result: string; value: Value | undefined; diagnostics: string[] }

export function evalPython(text: string, file = '/virtual/idioms.py'): Evaluated {
  const diagnostics: string[] = [];
  const interp = new Interpreter({
    readFile: (p) => (p === file ? text : null),
    diagnostics: (severity, code, message) => diagnostics.push(`${severity} ${code}: ${message}`),
    stepBudget: 2_000_000,
    timeLimitMs: 30_000,
  });
  installBuiltins(interp);
  installTorch(interp);
  const mod = interp.runFile(file, text, 'idioms', false);
  const value = mod.attrs.get('RESULT');
  return { result: value ? repr(value, -100) : '<no RESULT>', value, diagnostics };
}
