// Query strings for the storefront API client.

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export const API_BASE = "https://api.example.com/v2";

export function parseQuery(search: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of search.replace(/^\?/, "").split("&")) {
    if (pair === "") continue;
    const [key, value = ""] = pair.split("=");
    result[decodeURIComponent(key)] = decodeURIComponent(value.replace(/\+/g, " "));
  }
  return result;
}

export function buildQuery(params: Query): string {
  const parts = Object.entries(params)
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? "?" + parts.join("&") : "";
}

export function endpoint(path: string, params: Query = {}): string {
  return `${API_BASE}/${path.replace(/^\/+/, "")}${buildQuery(params)}`;
}

export class ResponseCache<T> {
  private readonly store = new Map<string, T>();

  key(path: string, params: Query): string {
    return endpoint(path, params);
  }

  get(path: string, params: Query): T | undefined {
    return this.store.get(this.key(path, params));
  }

  put(path: string, params: Query, value: T): void {
    this.store.set(this.key(path, params), value);
  }
}
