import { test } from "node:test";
import assert from "node:assert/strict";
import { addBusinessDays, dueDate, formatIsoDate, parseIsoDate } from "./due.mjs";

const add = (iso, days) => formatIsoDate(addBusinessDays(parseIsoDate(iso), days));

test("skips the weekend", () => {
  assert.equal(add("2024-03-01", 1), "2024-03-04"); // Friday -> Monday
  assert.equal(add("2024-03-06", 5), "2024-03-13"); // Wednesday -> Wednesday
});

test("starting on a weekend counts from the next Monday", () => {
  assert.equal(add("2024-03-02", 1), "2024-03-04");
  assert.equal(add("2024-03-02", 0), "2024-03-02");
});

test("crosses a year end and leaves the start date alone", () => {
  const start = parseIsoDate("2024-12-27");
  assert.equal(dueDate("2024-12-27", 3), "2025-01-01");
  assert.equal(formatIsoDate(start), "2024-12-27");
  assert.equal(formatIsoDate(addBusinessDays(start, 10)), "2025-01-10");
});
