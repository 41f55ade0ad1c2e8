import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../src/config';

// The three ways to reach Redis (REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS): exactly
// one is set, and the settings that go with it are checked at start.

const DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/luna';
const caFile = join(tmpdir(), `luna-redis-settings-${process.pid}.pem`);
writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');

function redisOf(env: Record<string, string>) {
  return parseConfig({ DATABASE_URL, ...env }).redis;
}

function refusal(env: Record<string, string>): string {
  try {
    parseConfig({ DATABASE_URL, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('Redis settings', () => {
  it('reads one server from REDIS_URL, with TLS for rediss:// and an optional CA file', () => {
    expect(redisOf({ REDIS_URL: 'redis://h:6379' })).toEqual({ mode: 'single', url: 'redis://h:6379' });
    expect(redisOf({ REDIS_URL: 'rediss://h:6380', REDIS_TLS_CA_FILE: caFile })).toEqual({
      mode: 'single',
      url: 'rediss://h:6380',
      tls: { caFile },
    });
  });

  it('reads a Cluster from REDIS_CLUSTER_NODES, with credentials and TLS', () => {
    expect(
      redisOf({
        REDIS_CLUSTER_NODES: 'a:7000, b:7001,10.0.0.3:7002',
        REDIS_USERNAME: 'luna',
        REDIS_PASSWORD: 'secret',
        REDIS_TLS: 'true',
      }),
    ).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
        { host: '10.0.0.3', port: 7002 },
      ],
      username: 'luna',
      password: 'secret',
      tls: {},
    });
  });

  it('reads Sentinel from REDIS_SENTINELS and REDIS_SENTINEL_MASTER', () => {
    expect(redisOf({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_MASTER: 'luna' })).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'luna',
    });
  });

  it.each([
    [{}, /^Environment variable REDIS_URL is required \(or REDIS_CLUSTER_NODES, or REDIS_SENTINELS/],
    [
      { REDIS_URL: 'redis://h:1', REDIS_CLUSTER_NODES: 'a:1' },
      /^Environment variable REDIS_CLUSTER_NODES is invalid: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_MASTER: 'm' },
      /^Environment variable REDIS_SENTINELS is invalid: set only one of/,
    ],
    [{ REDIS_CLUSTER_NODES: 'a' }, /^Environment variable REDIS_CLUSTER_NODES is invalid: expected host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:1,,b:2' }, /^Environment variable REDIS_CLUSTER_NODES is invalid: expected host:port/],
    [{ REDIS_CLUSTER_NODES: 'a:70000' }, /^Environment variable REDIS_CLUSTER_NODES is invalid: expected ports/],
    [{ REDIS_SENTINELS: 'a:26379' }, /^Environment variable REDIS_SENTINEL_MASTER is required/],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINEL_MASTER: 'm' },
      /^Environment variable REDIS_SENTINEL_MASTER is invalid/,
    ],
    [
      { REDIS_URL: 'redis://h:1', REDIS_PASSWORD: 'x' },
      /^Environment variable REDIS_PASSWORD is invalid: not used with REDIS_URL/,
    ],
    [
      { REDIS_URL: 'redis://h:1', REDIS_TLS: 'true' },
      /^Environment variable REDIS_TLS is invalid: not used with REDIS_URL/,
    ],
    [
      { REDIS_URL: 'redis://h:1', REDIS_TLS_CA_FILE: caFile },
      /^Environment variable REDIS_TLS_CA_FILE is invalid: needs a rediss/,
    ],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS_CA_FILE: caFile },
      /^Environment variable REDIS_TLS_CA_FILE is invalid: needs REDIS_TLS=true/,
    ],
    [
      { REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: '/nonexistent.pem' },
      /^Environment variable REDIS_TLS_CA_FILE is invalid: expected a readable file/,
    ],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_TLS: 'yes' }, /^Environment variable REDIS_TLS is invalid/],
    [
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_PREFIX: 'luna' },
      /^Environment variable REDIS_PREFIX is invalid: must be hash-tagged/,
    ],
  ])('refuses %p with one line naming the variable', (env, message) => {
    const line = refusal(env as Record<string, string>);
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });
});
