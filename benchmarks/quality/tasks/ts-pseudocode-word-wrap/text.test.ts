import { test } from "node:test";
import assert from "node:assert/strict";
import { formatParagraphs, wrap } from "./text.js";

test("fills each line greedily up to the width", () => {
  assert.deepEqual(wrap("the quick brown fox jumps over the lazy dog", 10), [
    "the quick",
    "brown fox",
    "jumps over",
    "the lazy",
    "dog",
  ]);
});

test("a line may be exactly the width; extra whitespace is ignored", () => {
  assert.deepEqual(wrap("  aaaa   bbbbb\n cc ", 10), ["aaaa bbbbb", "cc"]);
});

test("a word longer than the width gets its own line", () => {
  assert.deepEqual(wrap("see https://example.com/a/very/long/path now", 12), [
    "see",
    "https://example.com/a/very/long/path",
    "now",
  ]);
});

test("paragraphs are wrapped and indented", () => {
  assert.equal(formatParagraphs("one two three\n\nfour", { width: 11, indent: "  " }), "  one two\n  three\n\n  four");
});
