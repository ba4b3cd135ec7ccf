import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mergeIntervals } from "./intervals.js";

// The compiled test runs from out/, the source sits one folder up.
const source = readFileSync(new URL("../intervals.ts", import.meta.url), "utf8");
const lines = source.split(/\r?\n/);

test("mergeIntervals has a /** */ doc comment directly above it", () => {
  const at = lines.findIndex((line) => line.startsWith("export function mergeIntervals("));
  assert.ok(at > 0, "mergeIntervals is still declared");
  assert.match(lines[at - 1].trim(), /\*\/$/, "the line above the function ends a comment");
  let start = at - 1;
  while (start > 0 && !lines[start].includes("/**")) start--;
  assert.ok(lines[start].trim().startsWith("/**"), "the comment is a /** */ block");
  assert.ok(start > lines.indexOf("export function overlaps(a: Interval, b: Interval): boolean {"));
  const text = lines.slice(start, at).join("\n").replace(/[/*@]|\{[^}]*\}/g, " ");
  assert.ok(text.trim().split(/\s+/).length >= 3, "the comment says something");
});

test("the other functions are unchanged", () => {
  for (const expected of [
    `/** Whether two intervals share at least one minute. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}`,
    `/** Total booked minutes, counting overlapping bookings once. */
export function bookedMinutes(bookings: Interval[]): number {
  return mergeIntervals(bookings).reduce((sum, slot) => sum + slot.end - slot.start, 0);
}`,
  ]) {
    assert.ok(source.includes(expected), expected.split("\n")[1]);
  }
  assert.ok(source.includes("export function freeSlots(bookings: Interval[], minLength = 1): Interval[] {"));
});

test("mergeIntervals behaves as before", () => {
  const input = [
    { start: 600, end: 660 },
    { start: 540, end: 600 },
    { start: 900, end: 960 },
    { start: 630, end: 700 },
  ];
  assert.deepEqual(mergeIntervals(input), [
    { start: 540, end: 700 },
    { start: 900, end: 960 },
  ]);
  assert.deepEqual(input[0], { start: 600, end: 660 });
});
