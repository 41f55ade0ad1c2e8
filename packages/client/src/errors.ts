// A Luna error answer as an exception: the service's {error_code, desc, detail}, the HTTP
// status and the request id, so a log line can be matched with the service's own.

/** The body of every error answer of the service. */
export interface LunaErrorBody {
  error_code: number;
  desc: string;
  detail: string;
}

export class LunaError extends Error {
  readonly error_code: number;
  readonly desc: string;
  readonly detail: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** Luna-Request-Id of the answer: the one sent, or the one the service made. */
  readonly requestId: string | undefined;
  /** "METHOD /path" of the call. */
  readonly operation: string;

  constructor(body: LunaErrorBody, status: number, requestId: string | undefined, operation: string) {
    super(`${operation} answered ${status} ${body.error_code} ${body.desc}: ${body.detail}`);
    this.name = 'LunaError';
    this.error_code = body.error_code;
    this.desc = body.desc;
    this.detail = body.detail;
    this.status = status;
    this.requestId = requestId;
    this.operation = operation;
  }
}

export function isLunaErrorBody(value: unknown): value is LunaErrorBody {
  const body = value as Partial<LunaErrorBody> | null;
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof body.error_code === 'number' &&
    typeof body.desc === 'string' &&
    typeof body.detail === 'string'
  );
}

/**
 * An answer that is not a Luna error (a proxy's 502 page, the health check's component list):
 * error_code 0, which the service never uses, and the text of the answer as the detail.
 */
export function foreignErrorBody(status: number, text: string): LunaErrorBody {
  return { error_code: 0, desc: 'Unexpected answer', detail: `HTTP ${status}: ${text.slice(0, 500)}` };
}
