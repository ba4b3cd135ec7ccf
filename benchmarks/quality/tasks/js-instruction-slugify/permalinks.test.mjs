import { test } from "node:test";
import assert from "node:assert/strict";
import { permalink, slugify } from "./permalinks.mjs";

test("accented letters lose their accents", () => {
  assert.equal(slugify("Crème brûlée"), "creme-brulee");
  assert.equal(slugify("Ärger über Öl in São Paulo"), "arger-uber-ol-in-sao-paulo");
});

test("plain titles are slugged as before", () => {
  assert.equal(slugify("  Hello, World! 2024 "), "hello-world-2024");
  assert.equal(slugify("x".repeat(80)).length, 60);
});

test("permalinks use the accent-free slug", () => {
  const post = { title: "Déjà vu", published: new Date(Date.UTC(2024, 4, 9)) };
  assert.equal(permalink(post), "/2024/05/09/deja-vu/");
});
