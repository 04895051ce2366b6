// Python literal semantics the tree leaves to us: number values and string escapes.

export interface ParsedNumber {
  value: number;
  isInt: boolean;
  /** An int past 2^53, exactly: its decimal digits (the AST stays plain JSON for the disk cache). */
  digits?: string;
  /** `2j`: Python's complex numbers have no place in shape arithmetic. */
  isComplex: boolean;
}

/** Value of a Python number token (`0x_ff`, `1_000`, `1e3`, `.5`, `2j`). */
export function parseNumberText(text: string): ParsedNumber {
  const clean = text.indexOf('_') >= 0 ? text.replace(/_/g, '') : text;
  const last = clean.charCodeAt(clean.length - 1);
  if (last === 106 /* j */ || last === 74 /* J */) {
    return { value: Number(clean.slice(0, -1)), isInt: false, isComplex: true };
  }
  if (clean.length > 1 && clean.charCodeAt(0) === 48 /* 0 */) {
    const radixChar = clean.charCodeAt(1) | 0x20;
    const radix = radixChar === 120 /* x */ ? 16 : radixChar === 111 /* o */ ? 8 : radixChar === 98 /* b */ ? 2 : 0;
    if (radix !== 0) return exactInt(parseInt(clean.slice(2), radix), clean);
  }
  for (let i = 0; i < clean.length; i++) {
    const ch = clean.charCodeAt(i);
    if (ch === 46 /* . */ || ch === 101 /* e */ || ch === 69 /* E */) {
      return { value: Number(clean), isInt: false, isComplex: false };
    }
  }
  // Python 3 rejects `0123` but `int('0123') == 123`; reading it as decimal is the useful guess.
  return exactInt(parseInt(clean, 10), /^0+\d/.test(clean) ? clean.replace(/^0+/, '') : clean);
}

/** `text`: a Python int literal without underscores (decimal, or 0x / 0o / 0b). */
function exactInt(value: number, text: string): ParsedNumber {
  if (Number.isSafeInteger(value)) return { value, isInt: true, isComplex: false };
  try {
    return { value, isInt: true, isComplex: false, digits: BigInt(text).toString() };
  } catch {
    return { value, isInt: true, isComplex: false };
  }
}

export interface StringDelimiters {
  /** Offset just after the opening quote(s). */
  bodyStart: number;
  /** Offset of the closing quote(s), or the literal's end when unterminated. */
  bodyEnd: number;
  raw: boolean;
  bytes: boolean;
  format: boolean;
  terminated: boolean;
}

/** Splits a string literal `rb'''...'''` occupying [from, to) of `src` into prefix, quotes and body. */
export function stringDelimiters(src: string, from: number, to: number): StringDelimiters {
  let i = from;
  let raw = false;
  let bytes = false;
  let format = false;
  for (; i < to; i++) {
    const ch = src.charCodeAt(i) | 0x20;
    if (ch === 114 /* r */) raw = true;
    else if (ch === 98 /* b */) bytes = true;
    else if (ch === 102 /* f */) format = true;
    else if (ch !== 117 /* u */) break;
  }
  const quote = src.charCodeAt(i);
  const long = i + 2 < to && src.charCodeAt(i + 1) === quote && src.charCodeAt(i + 2) === quote;
  const quoteLen = long ? 3 : 1;
  const bodyStart = Math.min(i + quoteLen, to);
  let terminated = to - quoteLen >= bodyStart;
  for (let k = 0; terminated && k < quoteLen; k++) {
    if (src.charCodeAt(to - quoteLen + k) !== quote) terminated = false;
  }
  // A short string whose closing quote is escaped (`'abc\'`) is unterminated; raw strings too.
  if (terminated && !long && src.charCodeAt(to - 2) === 92 /* \ */) {
    let backslashes = 0;
    for (let k = to - 2; k >= bodyStart && src.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 1) terminated = false;
  }
  return { bodyStart, bodyEnd: terminated ? to - quoteLen : to, raw, bytes, format, terminated };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function isHexDigit(ch: number): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 70) || (ch >= 97 && ch <= 102);
}

/**
 * Text of a literal segment: Python escapes decoded unless `raw`, and in f-strings `{{`/`}}`
 * reduced to one brace.
 */
export function decodeStringBody(src: string, from: number, to: number, raw: boolean, format: boolean): string {
  let needsWork = false;
  for (let i = from; i < to; i++) {
    const ch = src.charCodeAt(i);
    if ((ch === 92 && !raw) || (format && (ch === 123 || ch === 125))) {
      needsWork = true;
      break;
    }
  }
  if (!needsWork) return src.slice(from, to);

  let out = '';
  let i = from;
  while (i < to) {
    const ch = src.charCodeAt(i);
    if (format && (ch === 123 || ch === 125) && i + 1 < to && src.charCodeAt(i + 1) === ch) {
      out += src[i];
      i += 2;
      continue;
    }
    if (ch !== 92 || raw || i + 1 >= to) {
      out += src[i];
      i++;
      continue;
    }
    const next = src[i + 1];
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    if (next === '\n') {
      i += 2;
      continue;
    }
    if (next === '\r') {
      i += src.charCodeAt(i + 2) === 10 && i + 2 < to ? 3 : 2;
      continue;
    }
    const digits = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (digits > 0) {
      let j = i + 2;
      while (j < to && j < i + 2 + digits && isHexDigit(src.charCodeAt(j))) j++;
      if (j === i + 2 + digits) {
        const code = parseInt(src.slice(i + 2, j), 16);
        if (code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          i = j;
          continue;
        }
      }
      out += src.slice(i, j);
      i = j;
      continue;
    }
    if (next >= '0' && next <= '7') {
      let j = i + 1;
      while (j < to && j < i + 4 && src.charCodeAt(j) >= 48 && src.charCodeAt(j) <= 55) j++;
      out += String.fromCharCode(parseInt(src.slice(i + 1, j), 8));
      i = j;
      continue;
    }
    // Unknown escapes (and `\N{NAME}`, whose names we do not carry) stay as written, like Python.
    out += src[i];
    i++;
  }
  return out;
}
