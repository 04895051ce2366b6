// The Node flags the language server runs with: the extension starts it with them, and the
// protocol tests and the benchmark start it the same way, so that they measure what users run.

/** V8's young generation with 4 MB semi-spaces instead of its 16 MB default: an analysis makes a
 *  lot of short-lived garbage, and the default lets the young generation grow to 32 MB that stay
 *  resident once grown. Measured with seven model files open: 108–118 → 92–93 MB of resident
 *  memory, for about 5% more CPU per analysis in scavenges (`npm run bench`, languageServer). */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
