import { test } from "node:test";
import assert from "node:assert/strict";
import { CsvError, toRecords } from "./csv.mjs";

test("maps each row to an object keyed by the header", () => {
  assert.deepEqual(toRecords("name,age\nAda,36\nBob, 41\n"), [
    { name: "Ada", age: "36" },
    { name: "Bob", age: "41" },
  ]);
});

test("skips blank lines and accepts CRLF", () => {
  assert.deepEqual(toRecords("id,city\r\n\r\n7,Oslo\r\n"), [{ id: "7", city: "Oslo" }]);
});

test("a row with the wrong number of fields is an error naming its line", () => {
  assert.throws(
    () => toRecords("a,b\n1,2\n3\n"),
    (error) => error instanceof CsvError && error.line === 3,
  );
});
