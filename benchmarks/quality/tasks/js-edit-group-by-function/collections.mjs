// Collection helpers used by the reporting dashboard.

export function countBy(items, key) {
  const counts = {};
  for (const item of items) {
    counts[item[key]] = (counts[item[key]] ?? 0) + 1;
  }
  return counts;
}

export function partition(items, predicate) {
  const yes = [];
  const no = [];
  for (const item of items) (predicate(item) ? yes : no).push(item);
  return [yes, no];
}

export function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) {
    const group = item[key];
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push(item);
  }
  return groups;
}

export function uniqueBy(items, key) {
  const seen = new Set();
  return items.filter((item) => {
    if (seen.has(item[key])) return false;
    seen.add(item[key]);
    return true;
  });
}

export function sortBy(items, key, direction = "asc") {
  const sign = direction === "desc" ? -1 : 1;
  return [...items].sort((a, b) => (a[key] < b[key] ? -sign : a[key] > b[key] ? sign : 0));
}

export function summarize(orders) {
  const byRegion = groupBy(orders, "region");
  return [...byRegion].map(([region, list]) => ({
    region,
    orders: list.length,
    revenue: list.reduce((sum, order) => sum + order.total, 0),
  }));
}
