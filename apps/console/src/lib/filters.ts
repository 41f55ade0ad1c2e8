// The streams view's state lives in the URL (/console/streams?account_id=…&statuses=…&page=2),
// so a link can be shared. These pure functions turn that query into the filters of
// GET /1/streams and back; lists are comma-separated, as the API takes them.

export const STORED_STATUSES = ['pending', 'in_progress', 'done', 'pause', 'cancel', 'failure'] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

export interface StreamFilters {
  account_id?: string;
  stream_ids?: string[];
  names?: string[];
  reference?: string;
  statuses?: string[];
  create_time__gte?: string;
  create_time__lt?: string;
  group_name?: string;
}

export interface StreamsView {
  filters: StreamFilters;
  page: number;
  page_size: number;
}

export const PAGE_SIZES = [10, 25, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 25;

const SINGLE = ['account_id', 'reference', 'create_time__gte', 'create_time__lt', 'group_name'] as const;
const LISTS = ['stream_ids', 'names', 'statuses'] as const;

type Query = URLSearchParams | Record<string, string | undefined>;

function read(query: Query, key: string): string | undefined {
  const value = query instanceof URLSearchParams ? query.get(key) : query[key];
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

function positive(value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

/** The view a console URL's query names; missing or malformed paging falls back to the defaults. */
export function viewFromQuery(query: Query): StreamsView {
  const filters: StreamFilters = {};
  for (const key of SINGLE) {
    const value = read(query, key);
    if (value !== undefined) filters[key] = value;
  }
  for (const key of LISTS) {
    const value = list(read(query, key));
    if (value !== undefined) filters[key] = value;
  }
  return {
    filters,
    page: positive(read(query, 'page'), 1),
    page_size: positive(read(query, 'page_size'), DEFAULT_PAGE_SIZE, 100),
  };
}

/** The filters as query parameters, in a stable order; empty ones left out. */
export function filterParams(filters: StreamFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of [...SINGLE, ...LISTS]) {
    const value = filters[key];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text !== '') params.set(key, text);
  }
  return params;
}

/** The console URL of a view: defaults (page 1, the default page size) left out. */
export function viewUrl(view: StreamsView): string {
  const params = filterParams(view.filters);
  if (view.page !== 1) params.set('page', String(view.page));
  if (view.page_size !== DEFAULT_PAGE_SIZE) params.set('page_size', String(view.page_size));
  const query = params.toString();
  return query ? `/console/streams?${query}` : '/console/streams';
}

/** GET /1/streams for a view. */
export function listPath(view: StreamsView): string {
  const params = filterParams(view.filters);
  params.set('page', String(view.page));
  params.set('page_size', String(view.page_size));
  return `/1/streams?${params.toString()}`;
}

/**
 * GET /1/streams/count for one status under the view's other filters; a status the
 * view's own status filter leaves out is not asked for (its count is 0 by definition).
 */
export function countPath(filters: StreamFilters, status: StoredStatus): string | undefined {
  if (filters.statuses && !filters.statuses.includes(status)) return undefined;
  const params = filterParams({ ...filters, statuses: [status] });
  return `/1/streams/count?${params.toString()}`;
}

/**
 * The live feed's filters for a view: account and group only. Rows on the page may move to
 * any status, and the counts follow every status, so the status filter is not passed on.
 */
export function feedParams(filters: StreamFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.account_id) params.set('account_id', filters.account_id);
  if (filters.group_name) params.set('group_name', filters.group_name);
  if (filters.stream_ids) params.set('stream_ids', filters.stream_ids.join(','));
  return params;
}

/** How many pages `total` rows make (at least one, so page 1 of nothing is shown). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
