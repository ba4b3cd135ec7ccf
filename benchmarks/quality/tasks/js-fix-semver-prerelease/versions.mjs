// Choosing package versions: parsing, comparing and picking semantic versions.

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

export function parseVersion(text) {
  const match = SEMVER.exec(text.trim());
  if (!match) throw new Error(`invalid version: ${text}`);
  const [, major, minor, patch, pre] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), pre: pre ?? null };
}

export function formatVersion({ major, minor, patch, pre }) {
  return `${major}.${minor}.${patch}` + (pre ? `-${pre}` : "");
}

export function compareVersions(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (const part of ["major", "minor", "patch"]) {
    if (x[part] !== y[part]) return x[part] < y[part] ? -1 : 1;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === null) return -1;
  if (y.pre === null) return 1;
  return x.pre < y.pre ? -1 : 1;
}

export function latest(versions, { includePrerelease = false } = {}) {
  const candidates = versions.filter((v) => includePrerelease || parseVersion(v).pre === null);
  return candidates.sort(compareVersions).at(-1) ?? null;
}

export function bump(version, part) {
  const v = parseVersion(version);
  if (part === "major") return formatVersion({ major: v.major + 1, minor: 0, patch: 0 });
  if (part === "minor") return formatVersion({ ...v, minor: v.minor + 1, patch: 0, pre: null });
  return formatVersion({ ...v, patch: v.patch + 1, pre: null });
}
