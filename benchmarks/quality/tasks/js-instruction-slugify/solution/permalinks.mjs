// Permalinks for blog posts: slugs from titles, made unique and kept off reserved paths.

import { createHash } from "node:crypto";

export const MAX_SLUG_LENGTH = 60;
export const RESERVED = new Set(["admin", "api", "feed", "login", "tags"]);

export function shortHash(text) {
  return createHash("sha1").update(text).digest("hex").slice(0, 7);
}

export function slugify(title) {
  return title
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG_LENGTH);
}

export function uniqueSlug(title, taken) {
  const base = slugify(title) || shortHash(title);
  if (!taken.has(base) && !RESERVED.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function permalink(post, taken = new Set()) {
  const date = post.published.toISOString().slice(0, 10).replaceAll("-", "/");
  return `/${date}/${uniqueSlug(post.title, taken)}/`;
}
