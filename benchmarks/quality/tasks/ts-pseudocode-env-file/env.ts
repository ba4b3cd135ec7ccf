// Loading settings from a .env file, with typed accessors and defaults.

import { readFileSync } from "node:fs";

export type Env = Record<string, string>;

export class MissingSetting extends Error {
  constructor(public readonly key: string) {
    super(`missing setting: ${key}`);
  }
}

export function parseEnv(text: string): Env {
  const result: Env = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // skip blank lines and lines that start with "#"
    // split the line at the first "=" into key and value, both trimmed (skip lines with no "=")
    // if the value starts and ends with the same quote character (" or '), remove those quotes
    // store the value under the key
  }
  return result;
}

export function loadEnvFile(path: string): Env {
  return parseEnv(readFileSync(path, "utf8"));
}

export function requireString(env: Env, key: string): string {
  const value = env[key];
  if (value === undefined || value === "") throw new MissingSetting(key);
  return value;
}

export function readInt(env: Env, key: string, fallback: number): number {
  const value = env[key];
  if (value === undefined) return fallback;
  const parsed = Number.parseInt(value, 10);
  return Number.isNaN(parsed) ? fallback : parsed;
}

export function readBool(env: Env, key: string, fallback = false): boolean {
  const value = env[key]?.toLowerCase();
  if (value === undefined) return fallback;
  return ["1", "true", "yes", "on"].includes(value);
}
