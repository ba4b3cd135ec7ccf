import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { requiredErrors, validateSignup } from "./signup.mjs";

function functionBody(name) {
  const source = readFileSync(new URL("./signup.mjs", import.meta.url), "utf8");
  const lines = source.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith(`export function ${name}(`));
  assert.ok(start >= 0, `${name} is still declared`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith("}"));
  return lines.slice(start + 1, end).filter((line) => line.trim() !== "");
}

test("requiredErrors names each blank field, in form order", () => {
  assert.deepEqual(requiredErrors({ name: "Ada", email: " ", country: "" }), [
    "email is required",
    "password is required",
    "country is required",
  ]);
  assert.deepEqual(requiredErrors({ name: "A", email: "a@b.c", password: "p", country: "NO" }), []);
  assert.equal(validateSignup({}).errors.length, 4);
});

test("the repeated checks are gone", () => {
  const body = functionBody("requiredErrors");
  const text = body.join("\n");
  assert.ok(body.length <= 8, `the body has ${body.length} non-blank lines, expected at most 8`);
  assert.ok((text.match(/is required/g) ?? []).length <= 1, "one message template");
  assert.ok((text.match(/isBlank\(/g) ?? []).length <= 1, "one isBlank check");
});
