import { connect, type Socket } from 'node:net';

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
