import { test } from "node:test";
import assert from "node:assert/strict";
import { createEditorEvents } from "./events.js";

test("off removes only the given handler", () => {
  const events = createEditorEvents();
  const calls: string[] = [];
  events.on("change", () => calls.push("a"));
  const unsubscribe = events.on("change", () => calls.push("b"));
  events.on("change", () => calls.push("c"));
  unsubscribe();
  assert.equal(events.listenerCount("change"), 2);
  events.emit("change", { text: "x" });
  assert.deepEqual(calls, ["a", "c"]);
});

test("a once handler does not take later handlers with it", () => {
  const events = createEditorEvents();
  const saved: string[] = [];
  events.once("save", ({ path }) => saved.push(`once:${path}`));
  events.on("save", ({ path }) => saved.push(`always:${path}`));
  events.emit("save", { path: "a.ts" });
  events.emit("save", { path: "b.ts" });
  assert.deepEqual(saved, ["once:a.ts", "always:a.ts", "always:b.ts"]);
});
