// Paging through search results for the catalogue API. Pages are numbered from 1.

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export function clampPageSize(size) {
  if (!Number.isInteger(size) || size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

export function pageCount(total, pageSize) {
  return Math.max(1, Math.ceil(total / pageSize));
}

export function paginate(items, page = 1, pageSize = DEFAULT_PAGE_SIZE) {
  const size = clampPageSize(pageSize);
  const pages = pageCount(items.length, size);
  const current = Math.min(Math.max(1, page), pages);
  const start = current * size;
  return {
    items: items.slice(start, start + size),
    page: current,
    pages,
    hasPrevious: current > 1,
    hasNext: current < pages,
  };
}

export function pageLinks(baseUrl, result) {
  const link = (page) => `${baseUrl}?page=${page}`;
  return {
    self: link(result.page),
    prev: result.hasPrevious ? link(result.page - 1) : null,
    next: result.hasNext ? link(result.page + 1) : null,
  };
}
