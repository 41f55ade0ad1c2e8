import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_DENIED_NETWORKS, deniedNetworks, newWebhookSecret } from '@luna-streams/shared';
import { Webhook } from 'standardwebhooks';
import { WebhookSender } from '../src/webhooks/sender';

// One attempt, against real HTTP servers on loopback: the signature the reference
// verifier accepts (two during a rotation), no redirects followed, 1 KB of an answer
// kept, the timeout, and the deny list at delivery, after DNS resolution.

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    port,
    url: `http://127.0.0.1:${port}/hook`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const open = new WebhookSender(deniedNetworks([]), 1000, 10);
const guarded = new WebhookSender(deniedNetworks(DEFAULT_DENIED_NETWORKS), 1000, 10);
afterAll(() => {
  open.close();
  guarded.close();
});

const message = (secrets: string[]) => ({
  id: 'a7d3c2e1-6b5f-4e8d-9c0a-1b2c3d4e5f60',
  body: JSON.stringify({ type: 'stream.status', timestamp: '2026-12-02T09:00:00.000Z', data: { seq: 1 } }),
  secrets,
});

it('signs so that the standardwebhooks verifier accepts it, with each secret of a rotation', async () => {
  const ok = await receiver((_req, res) => res.end('thanks'));
  try {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    expect(current).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const result = await open.send(ok.url, message([current, previous]));
    expect(result).toMatchObject({ httpStatus: 200, error: null, response: 'thanks' });
    const [{ headers, body }] = ok.received as [Received];
    expect(headers['webhook-id']).toBe(message([]).id);
    expect(headers['content-type']).toBe('application/json');
    expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
    const signed = headers as Record<string, string>;
    for (const secret of [current, previous])
      expect(new Webhook(secret).verify(body, signed)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, signed)).toThrow();
  } finally {
    await ok.close();
  }
});

it('does not follow a redirect, and keeps only the first 1 KB of an answer', async () => {
  const target = await receiver((_req, res) => res.end());
  const redirect = await receiver((_req, res) => res.writeHead(302, { location: target.url }).end());
  const big = await receiver((_req, res) => res.end('x'.repeat(5000)));
  try {
    expect(await open.send(redirect.url, message([newWebhookSecret()]))).toMatchObject({ httpStatus: 302 });
    expect(target.received).toHaveLength(0);
    const answer = await open.send(big.url, message([newWebhookSecret()]));
    expect(answer.httpStatus).toBe(200);
    expect(answer.response).toHaveLength(1024);
  } finally {
    await Promise.all([target.close(), redirect.close(), big.close()]);
  }
});

it('gives up on a receiver that does not answer in time', async () => {
  const silent = await receiver(() => undefined);
  try {
    const started = Date.now();
    const result = await open.send(silent.url, message([newWebhookSecret()]));
    expect(result).toMatchObject({ httpStatus: null, error: 'no answer within 1000 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
  } finally {
    await silent.close();
  }
});

it('refuses a denied address at delivery, also behind a DNS name, without connecting', async () => {
  const ok = await receiver((_req, res) => res.end());
  try {
    const byName = await guarded.send(`http://localhost:${ok.port}/hook`, message([newWebhookSecret()]));
    expect(byName.httpStatus).toBeNull();
    expect(byName.error).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), in a denied network/);
    const literal = await guarded.send(ok.url, message([newWebhookSecret()]));
    expect(literal.error).toMatch(/127\.0\.0\.1, in a denied network/);
    const mapped = await guarded.send(`http://[::ffff:127.0.0.1]:${ok.port}/`, message([newWebhookSecret()]));
    expect(mapped.error).toMatch(/in a denied network/);
    expect(ok.received).toHaveLength(0);
    // The same receiver with the list set to none is reached.
    expect((await open.send(`http://localhost:${ok.port}/hook`, message([newWebhookSecret()]))).httpStatus).toBe(200);
  } finally {
    await ok.close();
  }
});
