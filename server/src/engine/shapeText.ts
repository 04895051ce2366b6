// Input shapes written as text, in the forms people paste: `1,3,224,224`, `(1, 3, 224, 224)`,
// `[1,3,224,224]`, `1x3x224x224`; several inputs as `1,3,64,64;1,3,64,64`,
// `(1,3,64,64), (1,3,64,64)` or `[(1,3,64,64), (1,3,64,64)]`. One parser for the CLI's --input,
// `# convlens: input=` directives and editor settings, so they all accept the same text.

/** Larger dimensions are typos, and would overflow element counts. */
const MAX_DIMENSION = 1e9;

/** One shape; a trailing comma, as in the Python tuple `(8,)`, is allowed. */
function parseOneShape(text: string): number[] | null {
  const tokens = text.trim().split(/\s*(?:,|x|X|×|\s)\s*/);
  if (tokens.length > 1 && tokens[tokens.length - 1] === '') tokens.pop();
  if (tokens.length === 0 || tokens.some((t) => !/^[1-9]\d*$/.test(t) || Number(t) > MAX_DIMENSION)) return null;
  return tokens.map(Number);
}

/** The shapes, or null when the text is not a list of positive integer shapes. */
export function parseShapeText(text: string): number[][] | null {
  const shapes: number[][] = [];
  for (let part of text.split(';')) {
    part = part.trim();
    // A list of tuples: drop the outer brackets.
    if (/^[([]\s*[([]/.test(part) && /[)\]]\s*[)\]]$/.test(part)) part = part.slice(1, -1).trim();
    let groups = [part];
    if (/[()[\]]/.test(part)) {
      groups = [...part.matchAll(/[([]([^()[\]]*)[)\]]/g)].map((m) => m[1]);
      // Between bracketed groups only separators may stand.
      if (groups.length === 0 || !/^[\s,]*$/.test(part.replace(/[([]([^()[\]]*)[)\]]/g, ''))) return null;
    }
    for (const group of groups) {
      const shape = parseOneShape(group);
      if (!shape) return null;
      shapes.push(shape);
    }
  }
  return shapes;
}
