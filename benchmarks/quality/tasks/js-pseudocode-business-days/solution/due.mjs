// Due dates for invoices: business-day arithmetic on UTC dates.

export const DAY_MS = 24 * 60 * 60 * 1000;
const WEEKEND = new Set([0, 6]); // Sunday, Saturday
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isWeekend(date) {
  return WEEKEND.has(date.getUTCDay());
}

export function parseIsoDate(text) {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`not an ISO date: ${text}`);
  const [year, month, day] = match.slice(1).map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

export function formatIsoDate(date) {
  return date.toISOString().slice(0, 10);
}

export function addBusinessDays(start, days) {
  let date = new Date(start.getTime());
  let remaining = days;
  while (remaining > 0) {
    date = new Date(date.getTime() + DAY_MS);
    if (!isWeekend(date)) remaining--;
  }
  return date;
}

export function dueDate(issued, terms = 30) {
  return formatIsoDate(addBusinessDays(parseIsoDate(issued), terms));
}

export function isOverdue(issued, today, terms = 30) {
  return dueDate(issued, terms) < today;
}
