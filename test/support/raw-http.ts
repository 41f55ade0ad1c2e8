import { connect, type Socket } from 'node:net';
import { eventually } from './wait';

// Raw HTTP/1.1 over a socket, for what an HTTP client library would refuse to send.

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** From connecting to the server closing the connection. */
  closedAfterMs: number;
  /** From connecting to the first byte of the answer. */
  answeredAfterMs: number;
}

/** Writes `request` as is and reads until the server closes the connection. */
export function exchange(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let answeredAfterMs = -1;
    let text = '';
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (answeredAfterMs < 0) answeredAfterMs = Date.now() - started;
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
        closedAfterMs: Date.now() - started,
        answeredAfterMs,
      });
    });
  });
}

export interface InFlight {
  /** Sends the body: the request completes, and the answer follows. */
  finish(): void;
  /** Everything the server wrote (the 100 Continue, then the answer), once it closed the connection. */
  closed: Promise<string>;
}

/**
 * A POST whose headers the server has read (it answered 100 Continue) and whose body is not
 * sent yet: a request in flight, holding a shutting-down server until `finish()`.
 */
export async function requestInFlight(port: number, path: string, body: string): Promise<InFlight> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Expect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
  );
  await eventually(() => text.startsWith('HTTP/1.1 100 Continue'), 15_000, `the headers of POST ${path} read`);
  return { finish: () => socket.write(body), closed };
}
