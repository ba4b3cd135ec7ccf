import { test } from "node:test";
import assert from "node:assert/strict";
import { contentType, mimeType } from "./mime.js";

test("known extensions, in any case", () => {
  assert.equal(mimeType("site/index.HTML"), "text/html");
  assert.equal(mimeType("/img/logo.svg"), "image/svg+xml");
});

test("unknown or missing extensions get the default type", () => {
  assert.equal(mimeType("backup.tar.zst"), "application/octet-stream");
  assert.equal(mimeType("Makefile"), "application/octet-stream");
});

test("content types add a charset to text only", () => {
  assert.equal(contentType("data.json"), "application/json; charset=utf-8");
  assert.equal(contentType("photo.jpg"), "image/jpeg");
  assert.equal(contentType("archive.bin"), "application/octet-stream");
});
