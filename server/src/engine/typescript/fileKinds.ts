// Which files the TensorFlow.js front end reads. Kept apart from the front end itself so that
// code deciding *whether* a file is TypeScript does not load the TypeScript compiler.

/** TypeScript and JavaScript files, by name. */
export const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;
