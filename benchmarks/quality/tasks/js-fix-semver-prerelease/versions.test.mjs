import { test } from "node:test";
import assert from "node:assert/strict";
import { compareVersions, latest } from "./versions.mjs";

test("a release sorts after its pre-releases", () => {
  assert.equal(compareVersions("1.0.0", "1.0.0-rc.1"), 1);
  assert.equal(compareVersions("2.1.0-beta", "2.1.0"), -1);
});

test("sorting mixes numbers and pre-releases correctly", () => {
  const sorted = ["1.0.0", "1.0.0-beta", "0.9.12", "1.0.0-alpha", "0.9.2"].sort(compareVersions);
  assert.deepEqual(sorted, ["0.9.2", "0.9.12", "1.0.0-alpha", "1.0.0-beta", "1.0.0"]);
});

test("latest with pre-releases prefers the final release", () => {
  assert.equal(latest(["3.0.0-rc.2", "3.0.0", "2.9.9"], { includePrerelease: true }), "3.0.0");
  assert.equal(latest(["1.2.3", "1.10.0"]), "1.10.0");
});
