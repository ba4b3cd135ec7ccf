// Job schedules: human-written intervals ("1h30m", "45s", "2d") and next run times.

export const UNIT_SECONDS = { d: 86400, h: 3600, m: 60, s: 1 };
const PART = /(\d+)([dhms])/g;

/**
 * Parse a duration such as "1h30m" or "2d 4h" into seconds.
 * Units are d, h, m and s; whitespace and case are ignored.
 * @param {string} text
 * @returns {number} the total number of seconds
 * @throws {Error} when the text is empty or not a duration
 */
export function parseDuration(text) {
  const compact = text.replace(/\s+/g, "").toLowerCase();
  if (compact === "") throw new Error("empty duration");
  let seconds = 0;
  let consumed = 0;
  for (const [match, count, unit] of compact.matchAll(PART)) {
    seconds += Number(count) * UNIT_SECONDS[unit];
    consumed += match.length;
  }
  if (consumed !== compact.length) throw new Error(`invalid duration: ${text}`);
  return seconds;
}

export function formatDuration(seconds) {
  const parts = [];
  let rest = seconds;
  for (const [unit, size] of Object.entries(UNIT_SECONDS)) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || "0s";
}

export function nextRun(lastRun, interval) {
  return new Date(lastRun.getTime() + parseDuration(interval) * 1000);
}
