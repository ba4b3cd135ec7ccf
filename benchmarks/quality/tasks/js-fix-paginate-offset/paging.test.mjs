import { test } from "node:test";
import assert from "node:assert/strict";
import { paginate } from "./paging.mjs";

const items = Array.from({ length: 45 }, (_, i) => i + 1);

test("the first page starts with the first item", () => {
  const result = paginate(items, 1, 20);
  assert.equal(result.items[0], 1);
  assert.equal(result.items.length, 20);
});

test("the last page holds the remainder", () => {
  const result = paginate(items, 3, 20);
  assert.deepEqual(result.items, [41, 42, 43, 44, 45]);
  assert.equal(result.hasNext, false);
});

test("out-of-range pages are clamped", () => {
  assert.equal(paginate(items, 99, 20).items[0], 41);
  assert.equal(paginate(items, 0, 20).items[0], 1);
});
