import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { padCell } from "./table.js";

// The compiled test runs from out/, the source sits one folder up.
const source = readFileSync(new URL("../table.ts", import.meta.url), "utf8");

test("every parameter of padCell and its return value are annotated, without any", () => {
  const signature = /export function padCell\(([^)]*)\)\s*(:\s*[^{]+)?\{/.exec(source);
  assert.ok(signature, "padCell is still declared");
  for (const name of ["text", "width", "align"]) {
    assert.match(signature[1], new RegExp(`\\b${name}\\s*:`), `${name} has a type`);
  }
  assert.match(signature[2] ?? "", /:\s*string\s*$/, "the return type is string");
  assert.doesNotMatch(signature[0], /\bany\b/);
});

test("cells are padded according to their alignment", () => {
  assert.equal(padCell("ab", 5, "left"), "ab   ");
  assert.equal(padCell("ab", 5, "right"), "   ab");
  assert.equal(padCell("ab", 5, "center"), " ab  ");
  assert.equal(padCell("abcdefgh", 5, "right"), "abcde");
});
