import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidTransition, Order } from "./order.js";

test("an event that is not allowed throws InvalidTransition", () => {
  const order = new Order("A-17");
  assert.throws(
    () => order.apply("ship"),
    (error: unknown) =>
      error instanceof InvalidTransition && error.state === "cart" && error.event === "ship",
  );
});

test("a refused event leaves the order as it was", () => {
  const order = new Order("A-18");
  order.apply("place");
  assert.throws(() => order.apply("deliver"), InvalidTransition);
  assert.equal(order.state, "placed");
  assert.equal(order.history.length, 1);
});

test("allowed events still move the order along", () => {
  const order = new Order("A-19");
  for (const event of ["place", "pay", "ship", "deliver"] as const) order.apply(event);
  assert.equal(order.state, "delivered");
  assert.throws(() => order.apply("cancel"), /cannot cancel an order that is delivered/);
});
