// A token-bucket rate limiter for outgoing API calls.

export class RateLimitError extends Error {
  constructor(count, waitMs) {
    super(`rate limited: ${count} token(s) available in ${waitMs} ms`);
    this.name = "RateLimitError";
    this.waitMs = waitMs;
  }
}

export class TokenBucket {
  constructor({ capacity, refillPerSecond, now = () => Date.now() }) {
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
    this.now = now;
    this.tokens = capacity;
    this.updatedAt = now();
  }

  refill() {
    const current = this.now();
    const elapsedSeconds = (current - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSeconds * this.refillPerSecond);
    this.updatedAt = current;
  }

  tryTake(count = 1) {
    this.refill();
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  waitTime(count = 1) {
    // refill, then if count tokens are already available return 0
    // if count is more than the capacity the wait is endless: return Infinity
    // otherwise return how many milliseconds it takes to refill the missing tokens, rounded up
  }

  take(count = 1) {
    if (!this.tryTake(count)) {
      throw new RateLimitError(count, this.waitTime(count));
    }
  }
}

export function perMinute(limit, now) {
  return new TokenBucket({ capacity: limit, refillPerSecond: limit / 60, now });
}
