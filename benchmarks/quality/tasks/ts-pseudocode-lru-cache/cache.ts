// An in-memory least-recently-used cache for rendered templates and lookups.

export const DEFAULT_CAPACITY = 100;

export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number = DEFAULT_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  get(key: K): V | undefined {
    // if the key is not in the cache, return undefined
    // otherwise make it the most recently used entry: delete it and set it again
    // then return its value
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
    }
  }

  keys(): K[] {
    return [...this.entries.keys()];
  }
}

export function memoize<A, R>(fn: (arg: A) => R, capacity = DEFAULT_CAPACITY): (arg: A) => R {
  const cache = new LruCache<A, R>(capacity);
  return (arg: A): R => {
    if (cache.has(arg)) return cache.get(arg) as R;
    const result = fn(arg);
    cache.set(arg, result);
    return result;
  };
}
