import createClient, { type Client, type MaybeOptionalInit } from 'openapi-fetch';
import { foreignErrorBody, isLunaErrorBody, LunaError } from './errors.js';
import type { paths } from './generated/openapi.js';
import { retryingFetch, type RetryOptions } from './retry.js';

// The typed client: one method per HTTP method, typed by the paths of the OpenAPI document
// (openapi-fetch over the types openapi-typescript generates). A call resolves with the
// answer's body and throws a LunaError for an error answer, so callers never check both.

export type Paths = paths;
type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
type PathsWith<M extends Method> = {
  [P in keyof Paths]: Paths[P] extends Record<M, infer Op> ? ([Op] extends [undefined] ? never : P) : never;
}[keyof Paths];

type Init<P extends keyof Paths, M extends Method> = NonNullable<MaybeOptionalInit<Paths[P], M>>;
type RequiredKeysOf<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? never : K }[keyof T];
/**
 * The init argument, optional when the operation requires nothing. Its type follows from the path alone
 * (not inferred from the argument, as openapi-fetch's own methods do), so a misspelt field of a body is
 * an excess property and does not compile.
 */
type InitArgs<I> = RequiredKeysOf<I> extends never ? [init?: I] : [init: I];
// The JSON body of the operation's 2xx answer, as generated (openapi-fetch's own data type widens tuples).
type Responses<P extends keyof Paths, M extends Method> = Paths[P][M & keyof Paths[P]] extends { responses: infer R }
  ? R
  : never;
type Data<P extends keyof Paths, M extends Method> = {
  [C in keyof Responses<P, M>]: C extends 200 | 201 | 202 | 203 | 206
    ? Responses<P, M>[C] extends { content: { 'application/json': infer T } }
      ? T
      : never
    : never;
}[keyof Responses<P, M>];
/** 204 and 302 answers carry no body: their calls resolve with nothing. */
type Answer<T> = [T] extends [never] ? void : T;

/** JSON answers by default; `parseAs: 'text'` reads any answer as text, `'stream'` as a stream (the live feed). */
interface Call<M extends Method> {
  <P extends PathsWith<M>>(path: P, ...init: InitArgs<Init<P, M> & { parseAs?: 'json' }>): Promise<Answer<Data<P, M>>>;
  <P extends PathsWith<M>>(path: P, init: Init<P, M> & { parseAs: 'text' }): Promise<string>;
  <P extends PathsWith<M>>(
    path: P,
    init: Init<P, M> & { parseAs: 'stream' },
  ): Promise<ReadableStream<Uint8Array> | null>;
}

export interface LunaClient {
  GET: Call<'get'>;
  POST: Call<'post'>;
  PUT: Call<'put'>;
  PATCH: Call<'patch'>;
  DELETE: Call<'delete'>;
  /** The openapi-fetch client underneath, for answers read as they are ({ data, error, response }). */
  raw: Client<Paths>;
}

export interface LunaClientOptions extends RetryOptions {
  /** The API's (or, for feedback, the worker's) base URL, e.g. http://127.0.0.1:5160. */
  baseUrl: string;
  /** Headers sent with every call. A call's own `Luna-Request-Id` header (params.header) wins. */
  headers?: Record<string, string>;
  /** The fetch to use; global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
}

export function createLunaClient(options: LunaClientOptions): LunaClient {
  const inner = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.headers,
    fetch: retryingFetch(inner, options),
  });
  const call =
    (method: Method) =>
    async (path: string, init?: Record<string, unknown>): Promise<unknown> => {
      const upper = method.toUpperCase() as Uppercase<Method>;
      const { data, error, response } = await (
        raw[upper] as (p: string, i?: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>
      )(path, init);
      // A redirect (GET /docs/dev with redirect: 'manual') is the operation's answer too.
      if (response.ok || (response.status >= 300 && response.status < 400)) return data;
      const body = isLunaErrorBody(error)
        ? error
        : foreignErrorBody(response.status, typeof error === 'string' ? error : JSON.stringify(error ?? ''));
      throw new LunaError(
        body,
        response.status,
        response.headers.get('luna-request-id') ?? undefined,
        `${upper} ${path}`,
      );
    };
  return {
    GET: call('get') as Call<'get'>,
    POST: call('post') as Call<'post'>,
    PUT: call('put') as Call<'put'>,
    PATCH: call('patch') as Call<'patch'>,
    DELETE: call('delete') as Call<'delete'>,
    raw,
  };
}
