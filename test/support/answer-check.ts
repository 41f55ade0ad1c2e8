import type { Express, Response } from 'express';
import { openApiValidator } from './openapi-validator';

// Response validation of the HTTP tests: every answer an app gives during a test file is
// checked against the OpenAPI document (status, headers, body), as a validation proxy in
// front of the service would check it. startTestApi installs it; close() fails the file
// when an answer differed. Bodies of live feeds (text/event-stream) are not collected.

const MAX_BODY = 4 * 1024 * 1024;

type Chunk = string | Buffer | Uint8Array;

export interface AnswerCheck {
  /** What differed from the document so far (deduplicated). */
  problems(): string[];
}

export function checkAnswers(app: Express): AnswerCheck {
  const problems = new Set<string>();
  const proto = app.response as Response & { __bodyParts?: Buffer[]; __bodySize?: number };
  const write = proto.write;
  const end = proto.end;
  const keep = (res: typeof proto, chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) return;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk as Chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    res.__bodySize = (res.__bodySize ?? 0) + buffer.length;
    if (res.__bodySize <= MAX_BODY) (res.__bodyParts ??= []).push(buffer);
  };
  proto.write = function (this: typeof proto, chunk: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof proto.write;
  proto.end = function (this: typeof proto, chunk?: unknown, ...rest: unknown[]) {
    keep(this, chunk, rest[0]);
    const req = this.req;
    const sse = String(this.getHeader('content-type') ?? '').startsWith('text/event-stream');
    if (req && !sse && (this.__bodySize ?? 0) <= MAX_BODY) {
      const found = openApiValidator().checkAnswer({
        method: req.method,
        path: (req.originalUrl ?? req.url).split('?')[0]!,
        status: this.statusCode,
        headers: this.getHeaders() as Record<string, string>,
        body: req.method === 'HEAD' ? '' : Buffer.concat(this.__bodyParts ?? []).toString('utf8'),
      });
      for (const problem of found) problems.add(problem);
    }
    return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
  } as typeof proto.end;
  return { problems: () => [...problems] };
}
