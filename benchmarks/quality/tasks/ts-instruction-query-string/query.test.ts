import { test } from "node:test";
import assert from "node:assert/strict";
import { ResponseCache, buildQuery, endpoint } from "./query.js";

test("null and undefined values are left out", () => {
  assert.equal(buildQuery({ q: "red shoes", page: undefined, size: null, sale: false }), "?q=red%20shoes&sale=false");
  assert.equal(buildQuery({ page: undefined }), "");
});

test("keys are sorted", () => {
  assert.equal(buildQuery({ size: 20, page: 2, brand: "Åsa" }), "?brand=%C3%85sa&page=2&size=20");
});

test("equal queries share a cache entry", () => {
  const cache = new ResponseCache<string>();
  cache.put("products", { page: 1, q: "hat" }, "cached");
  assert.equal(cache.get("/products", { q: "hat", page: 1, sort: undefined }), "cached");
  assert.equal(endpoint("products", { b: 1, a: 0 }), "https://api.example.com/v2/products?a=0&b=1");
});
