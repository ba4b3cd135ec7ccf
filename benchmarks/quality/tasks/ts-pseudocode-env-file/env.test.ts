import { test } from "node:test";
import assert from "node:assert/strict";
import { parseEnv, readInt } from "./env.js";

test("reads keys and trimmed values, skipping comments and blank lines", () => {
  const env = parseEnv("# database\nHOST = db.local\n\nPORT=5432\r\n  # PORT=1\nnot a setting\n");
  assert.deepEqual(env, { HOST: "db.local", PORT: "5432" });
  assert.equal(readInt(env, "PORT", 0), 5432);
});

test("only the first = separates key and value", () => {
  assert.deepEqual(parseEnv("DATABASE_URL=postgres://u@h/db?sslmode=require"), {
    DATABASE_URL: "postgres://u@h/db?sslmode=require",
  });
});

test("matching quotes around a value are removed", () => {
  const env = parseEnv(`GREETING="hello world"\nNAME='Ada'\nODD="half'\nEMPTY=""`);
  assert.equal(env.GREETING, "hello world");
  assert.equal(env.NAME, "Ada");
  assert.equal(env.ODD, `"half'`);
  assert.equal(env.EMPTY, "");
});
