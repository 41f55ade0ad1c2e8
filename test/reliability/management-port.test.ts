import { once } from 'node:events';
import http from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { startTestApi, streamBody, type TestApi } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_REDIS_URL } from '../support/env';
import { startApp, type RunningApp } from '../support/process';
import { requestInFlight } from '../support/raw-http';
import { freePort } from '../support/redis-server';
import { eventually } from '../support/wait';

// The management port (MANAGEMENT_PORT, WORKER_MANAGEMENT_PORT; docs/dev/operations.md, Management port):
// /healthcheck and /metrics on a listening socket of their own, so that a health check on a new
// connection never waits behind a burst of connections to the traffic port. Node 20's libuv
// accepts one connection per event-loop turn: under overload (turns of tens of ms) a burst of
// 200 clients kept bench/overload.ts's health check waiting 1.4-5 s.

interface Answer {
  status: number;
  ms: number;
}

function healthOn(port: number): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/healthcheck', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
      })
      .on('error', reject);
  });
}

const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

describe('a burst of connections on the traffic port', () => {
  // Each event-loop turn is held this long, as the API's turns are under overload; the burst
  // then waits BURST turns to be accepted, far more than the 1 s a health check may take.
  const TURN_MS = 30;
  const BURST = 60;
  let api: TestApi;
  let traffic: http.Server;
  let management: http.Server;

  beforeAll(async () => {
    api = await startTestApi();
    traffic = api.app.listen(0, '127.0.0.1');
    management = api.management.listen(0, '127.0.0.1');
    await Promise.all([traffic, management].map((s) => new Promise((r) => s.once('listening', r))));
  });
  afterAll(async () => {
    traffic.closeAllConnections();
    await Promise.all([traffic, management].map((s) => new Promise((r) => s.close(r))));
    await api.close();
  });

  it('leaves health on the management port answering within 1 s', async () => {
    // Warm: the health check's own PostgreSQL connection is open before the burst, as in a running copy.
    expect((await healthOn(portOf(management))).status).toBe(200);
    let turning = true;
    const slowTurn = () => {
      const until = Date.now() + TURN_MS;
      while (Date.now() < until);
      if (turning) setImmediate(slowTurn);
    };
    setImmediate(slowTurn);
    const burst: Socket[] = [];
    try {
      await Promise.all(
        Array.from({ length: BURST }, () => {
          const socket = connect(portOf(traffic), '127.0.0.1');
          burst.push(socket);
          return new Promise((r) => socket.once('connect', r));
        }),
      );
      const [onManagement, onTraffic] = await Promise.all([healthOn(portOf(management)), healthOn(portOf(traffic))]);
      expect(onManagement.status).toBe(200);
      expect(onManagement.ms).toBeLessThan(1000);
      // The premise: the same check on the traffic port waited behind the burst. Should a Node
      // release accept a whole burst per turn again, this fails, and the port may be let go.
      expect(onTraffic.status).toBe(200);
      expect(onTraffic.ms).toBeGreaterThan(1000);
    } finally {
      turning = false;
      for (const socket of burst) socket.destroy();
    }
  });
});

describe('the management port of each app, as processes', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  const running: RunningApp[] = [];
  const ADMIN_TOKEN = 'management-test-token';

  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn', ADMIN_TOKEN };
  });
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop('SIGKILL')));
    await database.drop();
  });

  async function getOn(port: number, path: string, token?: string) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: await res.text() };
  }

  it.each([
    ['api', 'MANAGEMENT_PORT', {}],
    ['worker', 'WORKER_MANAGEMENT_PORT', {}],
    // A copy with no HTTP of its own still answers its orchestrator's probe.
    ['worker', 'WORKER_MANAGEMENT_PORT', { WORKER_ROLES: 'jobs' }],
  ] as const)('%s on %s %j: health and metrics there, and nothing else', async (main, setting, extra) => {
    const port = await freePort();
    const app = await startApp(main, { ...env, ...extra, [setting]: String(port) }, { healthPort: port });
    running.push(app);

    const health = await getOn(port, '/healthcheck');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toHaveProperty('execution_time');
    // The same rule as on the traffic port: metrics (and the API's settings) need the admin token.
    const guarded = main === 'api' ? ['/metrics', '/1/config'] : ['/metrics'];
    for (const path of guarded) {
      expect((await getOn(port, path)).status).toBe(401);
      expect((await getOn(port, path, ADMIN_TOKEN)).status).toBe(200);
    }
    expect((await getOn(port, '/metrics', ADMIN_TOKEN)).body).toContain('luna_');
    if (main === 'api') expect(JSON.parse((await getOn(port, '/version')).body)).toHaveProperty('Version');
    // Nothing of the API itself: the Luna 404.
    const other = await getOn(port, '/1/streams');
    expect(other.status).toBe(404);
    expect(JSON.parse(other.body)).toMatchObject({ error_code: 12013 });

    expect(await app.stop('SIGTERM')).toBe(0);
  });

  it.each([
    ['api', 'MANAGEMENT_PORT', '/1/streams', JSON.stringify(streamBody({ name: 'in flight' }))],
    ['worker', 'WORKER_MANAGEMENT_PORT', '/1/streams/feedback', JSON.stringify({ streams: [] })],
  ] as const)(
    'the %s fails its health check at once on SIGTERM, for a prober that keeps its connection alive too',
    async (main, setting, path, body) => {
      const port = await freePort();
      const app = await startApp(main, { ...env, [setting]: String(port) });
      running.push(app);
      // A prober's kept-alive connection, idle after its first check.
      const prober = connect(port, '127.0.0.1');
      let probed = '';
      prober.on('data', (chunk: Buffer) => (probed += chunk.toString()));
      const proberClosed = once(prober, 'close');
      prober.write('GET /healthcheck HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await eventually(() => probed.includes('execution_time'), 15_000, 'the first check answered');
      expect(probed).toMatch(/^HTTP\/1.1 200 /);
      expect(probed.toLowerCase()).toContain('connection: keep-alive');

      // A request in flight on the traffic port (headers read, body not sent) holds the process.
      const inFlight = await requestInFlight(app.port, path, body);

      const stopped = Date.now();
      const exited = app.stop('SIGTERM');
      await proberClosed;
      // Closed by the shutdown, not by its keep-alive timeout (HTTP_KEEP_ALIVE_TIMEOUT_MS 5 s, closed at 6 s).
      expect(Date.now() - stopped).toBeLessThan(2000);
      await expect(fetch(`http://127.0.0.1:${port}/healthcheck`)).rejects.toThrow();
      expect(app.child.exitCode).toBeNull(); // still draining: the request in flight holds it

      inFlight.finish();
      expect(await inFlight.closed).toMatch(/\r\n\r\nHTTP\/1.1 20[01] /);
      expect(await exited).toBe(0);
    },
  );

  it('stops with one line naming a management port in use and its setting, exit 1', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      await expect(startApp('api', { ...env, MANAGEMENT_PORT: String(port) })).rejects.toThrow(
        `api exited with 1:\nluna-streams API failed to start: port ${port} is already in use: set MANAGEMENT_PORT to a free port`,
      );
    } finally {
      taken.close();
    }
  });
});
