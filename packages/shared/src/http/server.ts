import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { errors } from '../contract/errors';
import type { Config } from '../config';
import type { Logger } from '../log';
import { answerClientErrors, answerWith } from './client-errors';
import { descriptorWatch } from './descriptors';

// The HTTP server both apps listen with: bounded waits for slow or silent clients, a Luna body
// on what Node answers by itself, a graceful drain on shutdown, one line when the port is taken.

export type HttpSettings = Pick<
  Config,
  'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
>;

export interface HttpServer {
  server: Server;
  /**
   * Stops accepting; answers given from now on say `Connection: close`; resolves once every
   * connection has ended. Idle keep-alive connections are not cut (a client may be writing its
   * next request on one): each ends at its keep-alive timeout, which the client was told.
   */
  drain(): Promise<void>;
  /** Cuts every connection (the shutdown deadline). */
  cut(): void;
}

export function createHttpServer(app: RequestListener, settings: HttpSettings, logger: Logger): HttpServer {
  const requestMs = settings.HTTP_REQUEST_TIMEOUT_MS;
  // Node refuses a headers timeout longer than the request timeout.
  const headersMs = Math.min(settings.HTTP_HEADERS_TIMEOUT_MS, requestMs);
  const inFlight = new Set<ServerResponse>();
  const answering = new WeakMap<Socket, ServerResponse>();
  let draining = false;

  const server = createServer(
    {
      requestTimeout: requestMs,
      headersTimeout: headersMs,
      keepAliveTimeout: settings.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      // Timeouts are enforced by a periodic sweep (30 s by default, which would double them).
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersMs / 4)),
      // Answered below with a Luna body instead of Node's empty 400.
      requireHostHeader: false,
    },
    (req, res) => {
      inFlight.add(res);
      answering.set(req.socket, res);
      res.once('close', () => {
        inFlight.delete(res);
        if (answering.get(req.socket) === res) answering.delete(req.socket);
      });
      if (draining) res.setHeader('Connection', 'close');
      if (req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && req.headers.host === undefined) {
        answerWith(
          res,
          errors.malformedRequest('HTTP/1.1 request without a Host header'),
          req.headers['luna-request-id'],
        );
        return;
      }
      app(req, res);
    },
  );
  server.on(
    'clientError',
    answerClientErrors(logger, { headersMs, requestMs }, (socket) => answering.get(socket)),
  );
  server.on('connection', descriptorWatch(logger));

  return {
    server,
    async drain() {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // http.Server#close would also destroy the idle keep-alive sockets at once, resetting any request
      // a client is writing on one at that moment: close only the listening socket.
      await new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    },
    cut: () => server.closeAllConnections(),
  };
}

function listenFailure(error: NodeJS.ErrnoException, port: number, setting: string): string {
  if (error.code === 'EADDRINUSE') return `port ${port} is already in use: set ${setting} to a free port`;
  if (error.code === 'EACCES') return `no permission to listen on port ${port}: set ${setting} to another port`;
  return `cannot listen on port ${port} (${setting}): ${error.message}`;
}

/**
 * Listens on `port`; a port that cannot be had rejects with one line naming it and its setting.
 * Once listening, a server error is a failed accept (out of descriptors): logged, not fatal.
 */
export async function listen(http: HttpServer, port: number, setting: string, logger: Logger): Promise<number> {
  const { server } = http;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(new Error(listenFailure(error, port, setting)));
    server.once('error', fail);
    server.listen(port, () => {
      server.off('error', fail);
      resolve();
    });
  });
  let warned = 0;
  server.on('error', (error) => {
    if (Date.now() - warned < 10_000) return;
    warned = Date.now();
    logger.warn({ err: error }, 'HTTP server error');
  });
  return (server.address() as { port: number }).port;
}
