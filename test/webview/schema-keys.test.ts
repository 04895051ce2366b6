// Every message the webview or its host receives is checked against the schema (issue 11, item
// 5): keys that exist on every object's prototype (`constructor`, `toString`, `__proto__`,
// `valueOf`, `hasOwnProperty`) are not keys of a message, and a message must carry its required
// keys as its own properties.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostMessage, parseWebviewMessage } from '../../webview/src/protocol/messages';

const PROTOTYPE_KEYS = ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];

test('keys of Object.prototype are rejected like any key not in the schema', () => {
  for (const key of PROTOTYPE_KEYS) {
    // JSON.parse makes `__proto__` an own key, as a message arriving over postMessage would have it.
    const ready = JSON.parse(`{"type":"ready","${key}":1}`) as unknown;
    const r = parseWebviewMessage(ready);
    assert.equal(r.ok, false, key);
    const options = JSON.parse(`{"type":"options","backend":"wasm","${key}":{}}`) as unknown;
    assert.equal(parseHostMessage(options).ok, false, key);
  }
  assert.equal(parseWebviewMessage({ type: 'ready' }).ok, true);
  assert.equal(parseHostMessage({ type: 'options', backend: 'wasm' }).ok, true);
});

test('a required key found only on the prototype is missing', () => {
  const inherits = Object.create({ backend: 'wasm' }) as Record<string, unknown>;
  inherits.type = 'options';
  assert.equal(parseHostMessage(inherits).ok, false);
});
