/**
 * The page's client of the HTTP API: same origin, an optional bearer key
 * (kept in sessionStorage, so it goes when the tab closes), and errors sorted
 * into what the page can say about them.
 */

const KEY_STORAGE = 'negotiation-timeline.apiKey';

export type ApiErrorKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'failed';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function apiKey(): string | undefined {
  return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
}

export function setApiKey(key: string | undefined): void {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

export function authHeaders(): Record<string, string> {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

type Query = Record<string, string | undefined>;

export function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url(path, query), { headers: { Accept: 'application/json', ...authHeaders() }, signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('unreachable', `The API at ${location.origin} cannot be reached (${(error as Error).message}).`);
  }
  if (response.ok) return (await response.json()) as T;
  throw await errorOf(response);
}

export async function errorOf(response: Response): Promise<ApiError> {
  const problem = (await response.json().catch(() => ({}))) as { detail?: string; title?: string };
  const said = problem.detail ?? problem.title ?? response.statusText;
  if (response.status === 401) return new ApiError('unauthorized', `The API wants a key (401): ${said}`, 401);
  if (response.status === 403) return new ApiError('forbidden', `The API key may not read this (403): ${said}`, 403);
  if (response.status === 502 || response.status === 503 || response.status === 504) {
    return new ApiError('unreachable', `The API is not answering (${response.status}): ${said}`, response.status);
  }
  return new ApiError('failed', `The API answered ${response.status}: ${said}`, response.status);
}

/** Every page of the timeline that matches (the API pages by cursor). */
export async function allPages<T>(path: string, query: Query, signal?: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson<{ items: T[]; nextCursor: string | null }>(path, { ...query, limit: '1000', cursor }, signal);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
