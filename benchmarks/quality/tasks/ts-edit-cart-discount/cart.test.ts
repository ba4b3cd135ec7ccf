import { test } from "node:test";
import assert from "node:assert/strict";
import { type Cart, total } from "./cart.js";

const cart = (cents: number, discountCode?: string): Cart => ({
  items: [{ sku: "A1", unitPrice: cents / 2, quantity: 2 }],
  discountCode,
});

test("a discount code takes its percentage off the subtotal", () => {
  assert.equal(total(cart(6000, "WELCOME10")), 5400);
  assert.equal(total(cart(8000, "VIP25")), 6000);
});

test("shipping is decided on the discounted subtotal", () => {
  assert.equal(total(cart(6000, "VIP25")), 4500 + 499);
});

test("the discount is rounded to whole cents", () => {
  assert.equal(total(cart(998, "SPRING15")), 848 + 499);
});

test("no code or an unknown code gives no discount", () => {
  assert.equal(total(cart(6000)), 6000);
  assert.equal(total(cart(1000, "BOGUS")), 1499);
});
