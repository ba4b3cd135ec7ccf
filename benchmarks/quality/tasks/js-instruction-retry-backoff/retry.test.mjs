import { test } from "node:test";
import assert from "node:assert/strict";
import { RetryError, retry } from "./retry.mjs";

function failing(times) {
  let calls = 0;
  return async () => {
    calls++;
    if (calls <= times) throw new Error(`failure ${calls}`);
    return "done";
  };
}

test("waits twice as long before each new attempt", async () => {
  const delays = [];
  const wait = async (ms) => {
    delays.push(ms);
  };
  const result = await retry(failing(3), { attempts: 4, baseDelayMs: 100, wait });
  assert.equal(result, "done");
  assert.deepEqual(delays, [100, 200, 400]);
});

test("the delay is capped and there is no wait after the last attempt", async () => {
  const delays = [];
  const wait = async (ms) => {
    delays.push(ms);
  };
  const options = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 2500, wait };
  await assert.rejects(retry(failing(10), options), RetryError);
  assert.deepEqual(delays, [1000, 2000, 2500]);
});

test("really waits by default", async () => {
  const started = Date.now();
  await retry(failing(2), { baseDelayMs: 40 });
  assert.ok(Date.now() - started >= 100, "two waits of 40 and 80 ms");
});
