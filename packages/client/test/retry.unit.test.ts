import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLunaClient, LunaError } from '@luna-streams/client';
import { retryDelay } from '../src/retry';

// Retries against a real HTTP server of the test's own: it drops connections and answers
// 503 as told, and counts what reached it.

let server: Server;
let url: string;
let script: ('drop' | 503 | 502 | 200)[] = [];
const seen: { method: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, body });
      const next = script.shift() ?? 200;
      if (next === 'drop') return req.socket.destroy();
      if (next === 502) {
        res.statusCode = 502;
        res.setHeader('content-type', 'text/html');
        return res.end('<html>Bad Gateway</html>');
      }
      res.setHeader('content-type', 'application/json');
      res.setHeader(
        'luna-request-id',
        String(req.headers['luna-request-id'] ?? '1700000000,00000000-0000-4000-8000-000000000000'),
      );
      if (next === 503) {
        res.statusCode = 503;
        res.setHeader('retry-after', '0');
        return res.end(
          JSON.stringify({ error_code: 2, desc: 'Service unavailable', detail: 'Database is unavailable' }),
        );
      }
      res.end(JSON.stringify({ streams_count: 7, stream_id: 'x', version: 2 }));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  seen.length = 0;
});

describe('retries of the client', () => {
  const client = () => createLunaClient({ baseUrl: url, retries: 3, retryDelayMs: 10 });

  it('retries an idempotent call after dropped connections and 503s, then answers', async () => {
    script = ['drop', 503, 'drop'];
    await expect(client().GET('/1/streams/count')).resolves.toEqual(expect.objectContaining({ streams_count: 7 }));
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET', 'GET', 'GET']);
  });

  it('sends the same body again when it retries a PUT', async () => {
    script = [503];
    const body = {
      account_id: '557d54ec-29ad-4f3c-93b4-c9092ef12515',
      data: { type: 'tcp' as const, reference: 'rtsp://cam' },
      event_handler: {
        origin: 'http://lp:5000',
        bestshot_handler: { handler_id: '557d54ec-29ad-4f3c-93b4-c9092ef12515' },
      },
    };
    await client().PUT('/1/streams/{stream_id}', {
      params: { path: { stream_id: '557d54ec-29ad-4f3c-93b4-c9092ef12515' } },
      body,
    });
    expect(seen).toHaveLength(2);
    expect(JSON.parse(seen[1]!.body)).toEqual(body);
  });

  it('gives up after its retries with the last answer as a LunaError', async () => {
    script = [503, 503, 503, 503];
    const error = (await client()
      .GET('/1/streams/count')
      .catch((e: unknown) => e)) as LunaError;
    expect(error).toBeInstanceOf(LunaError);
    expect(error).toMatchObject({ status: 503, error_code: 2, desc: 'Service unavailable' });
    expect(seen).toHaveLength(4);
  });

  it('waits as Retry-After says, or doubles its backoff (with jitter, at most 5 s)', () => {
    expect(retryDelay(1, 200, '2')).toBe(2000);
    expect(retryDelay(1, 200, '60')).toBe(5000);
    const third = retryDelay(3, 200, null);
    expect(third).toBeGreaterThanOrEqual(400);
    expect(third).toBeLessThanOrEqual(800);
  });

  it('reports an answer that is not a Luna error with error_code 0 and its text', async () => {
    script = [502];
    await expect(client().GET('/version')).rejects.toMatchObject({
      status: 502,
      error_code: 0,
      desc: 'Unexpected answer',
      detail: 'HTTP 502: <html>Bad Gateway</html>',
    });
  });

  it('never repeats a POST (a take whose answer was lost must not take twice)', async () => {
    script = [503];
    await expect(
      client().POST('/1/streams/processing/queue', { body: { filters: {}, limit: 1 } }),
    ).rejects.toMatchObject({ status: 503, error_code: 2 });
    script = ['drop'];
    await expect(client().POST('/1/streams/processing/queue', { body: { filters: {}, limit: 1 } })).rejects.toThrow();
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);
  });
});
