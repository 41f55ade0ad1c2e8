import { maxHeaderSize, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errors, type LunaError } from '../contract/errors';
import { isValidRequestId, LUNA_REQUEST_ID_HEADER, newRequestId } from '../contract/request-id';
import type { Logger } from '../log';

// What Node's HTTP parser refuses before any Express code runs (headers over 16 KiB, a bad chunk
// size, an unknown method, Content-Length with Transfer-Encoding) and the request timeouts are
// answered here, with the same {error_code, desc, detail} body as every other error.

/** The socket errors and parser codes Node reports through the server's 'clientError' event. */
export type ClientError = Error & { code?: string; reason?: string; rawPacket?: Buffer };

/** The client's Luna-Request-Id when the bytes the parser refused carry a valid one (spec 1.2), else a new one. */
export function requestIdOf(error: ClientError): string {
  const sent =
    error.rawPacket && /\r\nluna-request-id:[ \t]*([^\r\n]*?)[ \t]*\r\n/i.exec(error.rawPacket.toString('latin1'));
  return sent?.[1] !== undefined && isValidRequestId(sent[1]) ? sent[1] : newRequestId();
}

export function clientErrorAnswer(error: ClientError, timeouts: { headersMs: number; requestMs: number }): LunaError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return errors.headersTooLarge(`${maxHeaderSize / 1024} KiB`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout(timeouts.headersMs, timeouts.requestMs);
    default:
      return errors.malformedRequest(error.reason ?? error.message);
  }
}

/** A whole HTTP/1.1 response carrying a Luna error, for a socket that no ServerResponse answers. */
export function rawErrorResponse(error: LunaError, requestId = newRequestId()): string {
  const body = JSON.stringify(error.toBody());
  return [
    `HTTP/1.1 ${error.httpStatus} ${STATUS_CODES[error.httpStatus] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${LUNA_REQUEST_ID_HEADER}: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Answers a response the HTTP server refuses itself (a missing Host), through its ServerResponse. */
export function answerWith(res: ServerResponse, error: LunaError, sent?: string | string[]): void {
  const body = JSON.stringify(error.toBody());
  res.writeHead(error.httpStatus, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    [LUNA_REQUEST_ID_HEADER]: typeof sent === 'string' && isValidRequestId(sent) ? sent : newRequestId(),
    Connection: 'close',
  });
  res.end(body);
}

/** How long an answered socket may still send (read and dropped) before it is closed. */
const LINGER_MS = 1000;

/**
 * The server's 'clientError' listener. The answer goes out with a FIN, and what the client still
 * sends is read and dropped for a moment, so that closing does not reset the answer away before
 * the client reads it. A socket already answering (headers sent) or gone is only destroyed.
 */
export function answerClientErrors(
  logger: Logger,
  timeouts: { headersMs: number; requestMs: number },
  answering: (socket: Socket) => ServerResponse | undefined,
) {
  const answered = new WeakSet<Socket>();
  return (error: ClientError, socket: Socket): void => {
    // The parser repeats its error for every later chunk of an answered socket.
    if (answered.has(socket)) return;
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable || answering(socket)?.headersSent) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const answer = clientErrorAnswer(error, timeouts);
    logger.info({ code: error.code, status: answer.httpStatus, remote: socket.remoteAddress }, 'client error');
    socket.end(rawErrorResponse(answer, requestIdOf(error)));
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}
