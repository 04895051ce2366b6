// The client's code lens middleware asks again when the document changed while a request was out,
// so VS Code never draws lenses computed for an older text (see client/src/freshCodeLenses.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CancellationToken, CodeLens, TextDocument } from 'vscode';
import { freshCodeLenses } from '../../client/src/freshCodeLenses';

/** A document whose version the fake server bumps (the user typing while the request is out). */
function fakeDocument(): TextDocument & { version: number } {
  return { version: 1 } as unknown as TextDocument & { version: number };
}

const token = (cancelled = false) => ({ isCancellationRequested: cancelled }) as CancellationToken;
const lenses = (tag: string) => [{ tag }] as unknown as CodeLens[];

test('a version change during the request: asks again and returns the answer for the new text', async () => {
  const doc = fakeDocument();
  const asked: number[] = [];
  const result = await freshCodeLenses(doc, token(), (d) => {
    asked.push(d.version);
    const answer = lenses(`v${d.version}`);
    if (asked.length === 1) doc.version++; // Enter pressed while the first request was out
    return Promise.resolve(answer);
  });
  assert.deepEqual(asked, [1, 2]);
  assert.deepEqual(result, lenses('v2'));
});

test('no change: one request', async () => {
  const doc = fakeDocument();
  let calls = 0;
  const result = await freshCodeLenses(doc, token(), () => {
    calls++;
    return lenses('only');
  });
  assert.equal(calls, 1);
  assert.deepEqual(result, lenses('only'));
});

test('cancelled: no second request even if the text changed', async () => {
  const doc = fakeDocument();
  let calls = 0;
  const result = await freshCodeLenses(doc, token(true), () => {
    calls++;
    doc.version++;
    return Promise.resolve(null);
  });
  assert.equal(calls, 1);
  assert.equal(result, null);
});

test('typing on: at most three requests, the last answer is used', async () => {
  const doc = fakeDocument();
  let calls = 0;
  const result = await freshCodeLenses(doc, token(), () => {
    calls++;
    doc.version++;
    return lenses(`call ${calls}`);
  });
  assert.equal(calls, 3);
  assert.deepEqual(result, lenses('call 3'));
});
