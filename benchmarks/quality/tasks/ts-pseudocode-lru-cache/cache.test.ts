import { test } from "node:test";
import assert from "node:assert/strict";
import { LruCache } from "./cache.js";

test("get returns the stored value", () => {
  const cache = new LruCache<string, number>(3);
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.get("a"), 1);
  assert.equal(cache.get("b"), 2);
});

test("get makes the entry the most recently used, so another one is evicted", () => {
  const cache = new LruCache<string, number>(2);
  cache.set("a", 1);
  cache.set("b", 2);
  assert.equal(cache.get("a"), 1);
  cache.set("c", 3);
  assert.deepEqual(cache.keys(), ["a", "c"]);
});

test("a missing key gives undefined and adds nothing", () => {
  const cache = new LruCache<string, number>(2);
  cache.set("a", 1);
  assert.equal(cache.get("zzz"), undefined);
  assert.deepEqual(cache.keys(), ["a"]);
  assert.equal(cache.get("a"), 1);
});
