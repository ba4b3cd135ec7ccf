import { test } from "node:test";
import assert from "node:assert/strict";
import { groupBy } from "./collections.mjs";

const orders = [
  { id: 1, region: "north", total: 120 },
  { id: 2, region: "south", total: 40 },
  { id: 3, region: "north", total: 75 },
  { id: 4, region: "east", total: 310 },
];

test("groups by a function of the item", () => {
  const groups = groupBy(orders, (order) => (order.total >= 100 ? "large" : "small"));
  assert.deepEqual([...groups.keys()], ["large", "small"]);
  assert.deepEqual(groups.get("large").map((order) => order.id), [1, 4]);
  assert.deepEqual(groups.get("small").map((order) => order.id), [2, 3]);
});

test("the function receives each item", () => {
  const seen = [];
  groupBy(orders, (order) => {
    seen.push(order.id);
    return order.region;
  });
  assert.deepEqual(seen, [1, 2, 3, 4]);
});

test("a property name still works", () => {
  const groups = groupBy(orders, "region");
  assert.deepEqual([...groups.keys()], ["north", "south", "east"]);
  assert.equal(groups.get("north").length, 2);
});
