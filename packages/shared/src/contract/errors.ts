// The Luna error table (spec section 9, codes pinned by DESIGN.md section 6).
// Every error response is {error_code, desc, detail}; the HTTP status comes from here.

export const ERRORS = {
  INTERNAL: { code: 1, desc: 'Internal server error', http: 500 },
  SERVICE_UNAVAILABLE: { code: 2, desc: 'Service unavailable', http: 503 },
  // Not in the original: every database connection busy and the wait for one full or run
  // out, while the database answers (RFC 9110: 503 with Retry-After is a temporary overload).
  OVERLOADED: { code: 3, desc: 'Service overloaded', http: 503 },
  NO_JSON: { code: 12002, desc: 'Bad/incomplete input data', http: 400 },
  BAD_QUERY: { code: 12012, desc: 'Bad/incomplete input data', http: 400 },
  // Answered by the HTTP server itself (http/client-errors.ts) under the nearest codes.
  HEADERS_TOO_LARGE: { code: 12012, desc: 'Bad/incomplete input data', http: 431 },
  REQUEST_TIMEOUT: { code: 12002, desc: 'Bad/incomplete input data', http: 408 },
  PAGE_NOT_FOUND: { code: 12013, desc: 'Resource not found', http: 404 },
  REQUIRED_QUERY: { code: 12014, desc: 'Bad/incomplete input data', http: 400 },
  METHOD_NOT_ALLOWED: { code: 12021, desc: 'Method not allowed', http: 405 },
  BAD_JSON: { code: 12022, desc: 'Bad/incomplete input data', http: 400 },
  BODY_TOO_LARGE: { code: 12022, desc: 'Bad/incomplete input data', http: 413 },
  BAD_CONTENT_TYPE: { code: 12023, desc: 'Bad/incomplete input data', http: 400 },
  UNSUPPORTED_MEDIA_TYPE: { code: 12024, desc: 'Bad/incomplete input data', http: 415 },
  // Not in the original (which has no authentication): ADMIN_TOKEN guarding operator endpoints.
  UNAUTHORIZED: { code: 12025, desc: 'Unauthorized', http: 401 },
  STREAM_NOT_FOUND: { code: 39001, desc: 'Object not found', http: 404 },
  BAD_STREAM_STATUS: { code: 39002, desc: 'Bad/incomplete input data', http: 400 },
  CANNOT_STOP: { code: 39003, desc: 'Unable to stop processing', http: 400 },
  CANNOT_CANCEL: { code: 39005, desc: 'Unable to cancel processing', http: 400 },
  GROUP_EXISTS: { code: 39006, desc: 'Unique constraint error', http: 409 },
  GROUP_NAME_NOT_FOUND: { code: 39007, desc: 'Object not found', http: 404 },
  GROUP_NOT_FOUND: { code: 39008, desc: 'Object not found', http: 404 },
  // Not in the original (39009 and 39010 are its preview codes): webhooks.
  WEBHOOK_NOT_FOUND: { code: 39011, desc: 'Object not found', http: 404 },
  DELIVERY_NOT_FOUND: { code: 39012, desc: 'Object not found', http: 404 },
  WEBHOOK_URL_REFUSED: { code: 39013, desc: 'Bad/incomplete input data', http: 400 },
  DELIVERY_NOT_FAILED: { code: 39014, desc: 'Conflict', http: 409 },
  // Not in the original: a conditional PATCH (?version=) whose stream has moved on.
  STREAM_VERSION_CHANGED: { code: 39015, desc: 'Conflict', http: 409 },
} as const;

export type ErrorKind = keyof typeof ERRORS;

export interface LunaErrorBody {
  error_code: number;
  desc: string;
  detail: string;
}

export class LunaError extends Error {
  readonly kind: ErrorKind;

  constructor(
    kind: ErrorKind,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'LunaError';
    this.kind = kind;
  }

  get httpStatus(): number {
    return ERRORS[this.kind].http;
  }

  toBody(): LunaErrorBody {
    const entry = ERRORS[this.kind];
    return { error_code: entry.code, desc: entry.desc, detail: this.detail };
  }
}

// The details the spec spells out, in one place so every caller words them alike.
export const errors = {
  internal: () => new LunaError('INTERNAL', 'internal server error'),
  databaseUnavailable: () => new LunaError('SERVICE_UNAVAILABLE', 'Database is unavailable'),
  redisUnavailable: (reason: string) => new LunaError('SERVICE_UNAVAILABLE', `Redis is unavailable: ${reason}`),
  overloaded: () => new LunaError('OVERLOADED', 'Too many requests are waiting for a database connection'),
  noJson: () => new LunaError('NO_JSON', 'Request does not contain json'),
  badQuery: (name: string) => new LunaError('BAD_QUERY', `Bad query parameters '${name}'`),
  badPathParam: (name: string) => new LunaError('BAD_QUERY', `Bad path parameter '${name}'`),
  badPathParameters: () => new LunaError('BAD_QUERY', 'Bad path parameters'),
  badRequest: () => new LunaError('BAD_QUERY', 'Bad request'),
  badHeader: (name: string) => new LunaError('BAD_QUERY', `Bad header '${name}'`),
  malformedRequest: (reason: string) => new LunaError('BAD_QUERY', `Malformed HTTP request: ${reason}`),
  headersTooLarge: (limit: string) =>
    new LunaError('HEADERS_TOO_LARGE', `Request headers are larger than the limit of ${limit}`),
  requestTimeout: (headersMs: number, requestMs: number) =>
    new LunaError(
      'REQUEST_TIMEOUT',
      `Request not received in time: headers within ${headersMs} ms, the whole request within ${requestMs} ms`,
    ),
  pageNotFound: () => new LunaError('PAGE_NOT_FOUND', 'Page not found'),
  requiredQuery: (name: string) => new LunaError('REQUIRED_QUERY', `Required parameters '${name}' not found`),
  methodNotAllowed: () => new LunaError('METHOD_NOT_ALLOWED', 'Method not allowed'),
  badJson: (path: string, message: string) =>
    new LunaError('BAD_JSON', `Failed to validate input json. Path: '${path}', message: '${message}'`),
  bodyTooLarge: (limit: string) => new LunaError('BODY_TOO_LARGE', `Request body is larger than the limit of ${limit}`),
  badContentType: () =>
    new LunaError('BAD_CONTENT_TYPE', "Content type is unacceptable, allowed types: 'application/json'"),
  unauthorized: () => new LunaError('UNAUTHORIZED', 'ADMIN_TOKEN required'),
  unsupportedMediaType: () => new LunaError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'),
  badStreamStatus: (value: string, permitted: readonly string[]) =>
    new LunaError(
      'BAD_STREAM_STATUS',
      `'${value}' is not valid stream status; permitted: [${permitted.map((p) => `'${p}'`).join(', ')}]`,
    ),
  cannotStop: (id: string) =>
    new LunaError('CANNOT_STOP', `Processing of stream with id '${id}' is already in progress and cannot be stopped`),
  cannotCancel: (id: string) =>
    new LunaError('CANNOT_CANCEL', `Processing of stream with id '${id}' is finished and cannot be cancelled`),
  streamNotFound: (id: string) => new LunaError('STREAM_NOT_FOUND', `Stream with id '${id}' not found`),
  groupNameNotFound: (name: string) => new LunaError('GROUP_NAME_NOT_FOUND', `Group named '${name}' not found`),
  groupNotFound: (id: string) => new LunaError('GROUP_NOT_FOUND', `Group with id '${id}' not found`),
  groupExists: (name: string) => new LunaError('GROUP_EXISTS', `Group named '${name}' already exists`),
  webhookNotFound: (id: string) => new LunaError('WEBHOOK_NOT_FOUND', `Webhook with id '${id}' not found`),
  deliveryNotFound: (id: string) => new LunaError('DELIVERY_NOT_FOUND', `Delivery with id '${id}' not found`),
  webhookUrlRefused: (reason: string) => new LunaError('WEBHOOK_URL_REFUSED', `Webhook url refused: ${reason}`),
  deliveryNotFailed: (id: string, state: string) =>
    new LunaError('DELIVERY_NOT_FAILED', `Delivery with id '${id}' is ${state}; only a failed one can be retried`),
  streamVersionChanged: (id: string, expected: number, actual: number) =>
    new LunaError('STREAM_VERSION_CHANGED', `Stream with id '${id}' has version ${actual}, not ${expected}`),
};
