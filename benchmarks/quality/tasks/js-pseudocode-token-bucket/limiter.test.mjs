import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenBucket } from "./limiter.mjs";

function bucket(capacity, refillPerSecond) {
  const clock = { ms: 0 };
  const limiter = new TokenBucket({ capacity, refillPerSecond, now: () => clock.ms });
  return { clock, limiter };
}

test("no wait while tokens are available", () => {
  const { limiter } = bucket(5, 1);
  assert.equal(limiter.waitTime(3), 0);
  assert.equal(limiter.tryTake(3), true);
  assert.equal(limiter.waitTime(2), 0);
});

test("the wait is the time to refill the missing tokens, rounded up to a millisecond", () => {
  const { clock, limiter } = bucket(4, 3);
  assert.equal(limiter.tryTake(4), true);
  assert.equal(limiter.waitTime(1), 334);
  assert.equal(limiter.waitTime(3), 1000);
  clock.ms = 500; // 1.5 tokens back
  assert.equal(limiter.waitTime(2), 167);
  assert.equal(limiter.waitTime(1), 0);
});

test("more than the capacity never becomes available", () => {
  const { limiter } = bucket(2, 10);
  assert.equal(limiter.waitTime(3), Infinity);
});
