// Content types for the static file server.

import { extname } from "node:path";

export const DEFAULT_TYPE = "application/octet-stream";

const TYPES = new Map<string, string>([
  [".html", "text/html"],
  [".css", "text/css"],
  [".js", "text/javascript"],
  [".json", "application/json"],
  [".png", "image/png"],
  [".jpg", "image/jpeg"],
  [".svg", "image/svg+xml"],
  [".txt", "text/plain"],
]);

const TEXT_TYPES = ["application/json", "image/svg+xml"];

export function isText(type: string): boolean {
  return type.startsWith("text/") || TEXT_TYPES.includes(type);
}

export function mimeType(path: string): string {
  const extension = extname(path).toLowerCase();
  return TYPES.get(extension) ?? DEFAULT_TYPE;
}

export function contentType(path: string): string {
  const type = mimeType(path);
  return isText(type) ? `${type}; charset=utf-8` : type;
}

export function cacheControl(path: string): string {
  return mimeType(path) === "text/html" ? "no-cache" : "public, max-age=86400";
}
