import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseDuration } from "./schedule.mjs";

const source = readFileSync(new URL("./schedule.mjs", import.meta.url), "utf8");
const lines = source.split(/\r?\n/);

test("parseDuration has a JSDoc comment directly above it", () => {
  const at = lines.findIndex((line) => line.startsWith("export function parseDuration("));
  assert.ok(at > 0, "parseDuration is still declared");
  assert.match(lines[at - 1].trim(), /\*\/$/, "the line above the function ends a comment");
  let start = at - 1;
  while (start > 0 && !lines[start].includes("/**")) start--;
  assert.ok(lines[start].trim().startsWith("/**"), "the comment is a /** */ block");
  const text = lines.slice(start, at).join("\n").replace(/[/*@]|\{[^}]*\}/g, " ");
  assert.ok(text.trim().split(/\s+/).length >= 3, "the comment says something");
});

test("the other functions are unchanged", () => {
  assert.ok(source.includes(`export function formatDuration(seconds) {
  const parts = [];
  let rest = seconds;`));
  assert.ok(source.includes(`export function nextRun(lastRun, interval) {
  return new Date(lastRun.getTime() + parseDuration(interval) * 1000);
}`));
});

test("parseDuration behaves as before", () => {
  assert.equal(parseDuration("1h30m"), 5400);
  assert.equal(parseDuration("2D 4h"), 187200);
  assert.throws(() => parseDuration("10 minutes"), /invalid duration/);
});
