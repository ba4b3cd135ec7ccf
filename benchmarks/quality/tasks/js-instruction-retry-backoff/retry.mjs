// Retrying flaky async operations (HTTP calls, file locks) with exponential backoff.

export const DEFAULTS = { attempts: 3, baseDelayMs: 100, maxDelayMs: 5000 };

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class RetryError extends Error {
  constructor(attempts, cause) {
    super(`gave up after ${attempts} attempt(s): ${cause?.message ?? cause}`);
    this.name = "RetryError";
    this.attempts = attempts;
    this.cause = cause;
  }
}

export function isRetryable(error) {
  return error?.retryable !== false;
}

export async function retry(operation, options = {}) {
  const { attempts, baseDelayMs, maxDelayMs, wait = sleep } = { ...DEFAULTS, ...options };
  let lastError;
  let made = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    made = attempt + 1;
    try {
      return await operation(attempt);
    } catch (error) {
      lastError = error;
      if (!isRetryable(error)) break;
      // ai! unless this was the last attempt, await wait(delay) where delay is baseDelayMs * 2 ** attempt, capped at maxDelayMs
    }
  }
  throw new RetryError(made, lastError);
}

export function withRetry(operation, options) {
  return (...args) => retry(() => operation(...args), options);
}
