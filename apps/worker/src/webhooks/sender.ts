import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DeniedAddressError, guardedLookup, literalAddress, type DeniedNetworks } from '@luna-streams/shared';
import { Webhook } from 'standardwebhooks';

// One attempt of one message: a POST signed as Standard Webhooks specifies, by its
// reference package. Redirects are not followed (node:http never does), the whole attempt
// has WEBHOOK_TIMEOUT_MS, only the first 1 KB of the answer is kept, and the address is
// checked against WEBHOOK_DENY_NETWORKS inside the connection's own DNS lookup.

export const RESPONSE_KEPT_BYTES = 1024;
/** More than this much of an answer is not read: the connection is dropped instead. */
const RESPONSE_READ_LIMIT = 64 * 1024;

export interface SignedMessage {
  id: string;
  body: string;
  secrets: string[];
}

export interface AttemptResult {
  httpStatus: number | null;
  error: string | null;
  response: string | null;
  retryAfter?: string;
}

/** The webhook-* headers: one v1 signature per secret, space-separated (during a rotation, two). */
export function signatureHeaders(message: SignedMessage, at: Date): Record<string, string> {
  const signatures = message.secrets.map((secret) => new Webhook(secret).sign(message.id, at, message.body));
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly lookup: LookupFunction;

  constructor(
    private readonly denied: DeniedNetworks,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.lookup = guardedLookup(denied);
    // Kept-alive connections: a busy receiver is not paid a TCP (and TLS) handshake per message.
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets }),
    };
  }

  async send(url: string, message: SignedMessage): Promise<AttemptResult> {
    const target = new URL(url);
    // An address in the URL is connected to without a lookup: it is checked here.
    const literal = literalAddress(target.hostname);
    if (literal !== undefined && this.denied.denies(literal)) {
      const error = new DeniedAddressError(`${literal}, in a denied network (WEBHOOK_DENY_NETWORKS)`);
      return { httpStatus: null, error: error.message, response: null };
    }
    const secure = target.protocol === 'https:';
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'luna-streams-webhooks',
      ...signatureHeaders(message, new Date()),
    };
    return new Promise<AttemptResult>((resolve) => {
      const options: http.RequestOptions = {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(message.body) },
        // The connection's own lookup checks the address it connects to.
        lookup: this.lookup,
      };
      const request = secure
        ? https.request(target, { ...options, agent: this.agents.https })
        : http.request(target, { ...options, agent: this.agents.http });
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const settle = (result: AttemptResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      request.on('error', (error) => settle({ httpStatus: null, error: error.message, response: null }));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          if (read < RESPONSE_KEPT_BYTES) chunks.push(chunk);
          read += chunk.length;
          if (read > RESPONSE_READ_LIMIT) response.destroy();
        });
        const done = () => {
          const kept = Buffer.concat(chunks).subarray(0, RESPONSE_KEPT_BYTES).toString('utf8');
          const retryAfter = response.headers['retry-after'];
          settle({
            httpStatus: response.statusCode ?? null,
            error: null,
            response: kept.replaceAll('\u0000', ''),
            ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
          });
        };
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      });
      request.end(message.body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
