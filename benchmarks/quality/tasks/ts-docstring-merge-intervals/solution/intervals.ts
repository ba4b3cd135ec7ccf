// Booked time ranges in a room-booking calendar, as minutes since midnight.

export interface Interval {
  start: number;
  end: number;
}

export const DAY_MINUTES = 24 * 60;

/** Whether two intervals share at least one minute. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Merge overlapping or touching intervals into a sorted list of disjoint ones.
 * The input is not modified.
 */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const current of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && current.start <= last.end) {
      last.end = Math.max(last.end, current.end);
    } else {
      merged.push({ ...current });
    }
  }
  return merged;
}

/** The free gaps between bookings within [0, DAY_MINUTES). */
export function freeSlots(bookings: Interval[], minLength = 1): Interval[] {
  const slots: Interval[] = [];
  let cursor = 0;
  for (const busy of mergeIntervals(bookings)) {
    if (busy.start - cursor >= minLength) slots.push({ start: cursor, end: busy.start });
    cursor = Math.max(cursor, busy.end);
  }
  if (DAY_MINUTES - cursor >= minLength) slots.push({ start: cursor, end: DAY_MINUTES });
  return slots;
}

/** Total booked minutes, counting overlapping bookings once. */
export function bookedMinutes(bookings: Interval[]): number {
  return mergeIntervals(bookings).reduce((sum, slot) => sum + slot.end - slot.start, 0);
}
