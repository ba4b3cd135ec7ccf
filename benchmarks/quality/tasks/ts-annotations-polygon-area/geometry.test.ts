import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { polygonArea, roomAreaLabel } from "./geometry.js";

// The compiled test runs from out/, the source sits one folder up.
const source = readFileSync(new URL("../geometry.ts", import.meta.url), "utf8");

test("polygonArea's parameter and return value are annotated, without any", () => {
  const signature = /export function polygonArea\(([^)]*)\)\s*(:\s*[^{]+)?\{/.exec(source);
  assert.ok(signature, "polygonArea is still declared");
  assert.match(signature[1], /points\s*:/, "the parameter has a type");
  assert.match(signature[2] ?? "", /:\s*number\s*$/, "the return type is number");
  assert.doesNotMatch(signature[0], /\bany\b/);
});

test("areas of simple polygons, in either winding order", () => {
  const rectangle = [
    { x: 0, y: 0 },
    { x: 4, y: 0 },
    { x: 4, y: 3 },
    { x: 0, y: 3 },
  ];
  assert.equal(polygonArea(rectangle), 12);
  assert.equal(polygonArea([...rectangle].reverse()), 12);
  assert.equal(polygonArea([{ x: 0, y: 0 }, { x: 2, y: 0 }, { x: 0, y: 2 }]), 2);
  assert.equal(roomAreaLabel("Hall", rectangle), "Hall: 12.00 m²");
});
