import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMoney, statementLines } from "./money.mjs";

test("negative amounts are shown in parentheses", () => {
  assert.equal(formatMoney(-123450), "($1,234.50)");
  assert.equal(formatMoney(-5, "EUR"), "(€0.05)");
  assert.equal(formatMoney(-1500000, "JPY"), "(¥1,500,000)");
});

test("positive amounts and zero are unchanged", () => {
  assert.equal(formatMoney(123450), "$1,234.50");
  assert.equal(formatMoney(0, "GBP"), "£0.00");
});

test("refund lines on a statement", () => {
  const lines = statementLines([{ label: "Refund", quantity: -1, unitPrice: 2599 }]);
  assert.equal(lines[0].trim(), "Refund                  ($25.99)");
});
