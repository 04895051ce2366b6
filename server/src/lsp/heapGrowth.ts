// How far V8 lets the server's heap grow between full collections. Every keystroke re-analyses the
// file, and what an analysis builds lives until the next one, so a megabyte or so per keystroke is
// promoted into the old generation; by default V8 lets the heap grow to several times its live size
// before it collects (after the languageServer bench: 110 MB used, 20 MB live, RSS 150–190 MB). A
// smaller growth factor makes V8's own (incremental, concurrent) collector run earlier instead:
// RSS after that bench 123–128 MB, the server's CPU time per keystroke unchanged within the noise.
// Forcing full collections from here was tried too: 60 ms pauses inside the typing, for less.

import { setFlagsFromString } from 'node:v8';

/** Old-generation growth between collections, in percent of the live size (V8 uses up to 300). */
const HEAP_GROWING_PERCENT = 50;

/** The flag is read at each collection, so setting it once the process runs takes effect. Called
 *  by the server's entry (server.ts) before it loads the server with V8's code cache. */
export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
