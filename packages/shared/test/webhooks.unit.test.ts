import {
  DEFAULT_DENIED_NETWORKS,
  deniedNetworks,
  outcomeOf,
  parseCidr,
  parseConfig,
  retryAfterSeconds,
  retryDelaySeconds,
} from '../src';

// The pure rules of webhook delivery: the retry schedule, what an answer means, the deny list.

const schedule = { minSeconds: 5, maxSeconds: 3600 };

describe('retryDelaySeconds', () => {
  it('doubles from the minimum with ±20% jitter, never below the minimum nor above the maximum', () => {
    expect(retryDelaySeconds(1, schedule, () => 0.5)).toBe(5);
    expect(retryDelaySeconds(2, schedule, () => 0.5)).toBe(10);
    expect(retryDelaySeconds(5, schedule, () => 0.5)).toBe(80);
    expect(retryDelaySeconds(1, schedule, () => 0)).toBe(5);
    expect(retryDelaySeconds(3, schedule, () => 0)).toBeCloseTo(16);
    expect(retryDelaySeconds(3, schedule, () => 0.999)).toBeCloseTo(23.99, 1);
    expect(retryDelaySeconds(40, schedule, () => 0.999)).toBe(3600);
    expect(retryDelaySeconds(40, schedule, () => 0)).toBe(2880);
  });

  it('spreads messages that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelaySeconds(4, schedule)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('reaches the maximum within a day of attempts (24 hours of retries by default)', () => {
    let total = 0;
    let attempts = 0;
    while (total < 86_400) total += retryDelaySeconds(++attempts, schedule, () => 0.5);
    expect(attempts).toBeGreaterThan(20);
    expect(attempts).toBeLessThan(40);
  });
});

describe('outcomeOf and retryAfterSeconds', () => {
  it('delivers on 2xx only, disables on 410, retries the rest (redirects included)', () => {
    expect([200, 201, 204, 299].map(outcomeOf)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(outcomeOf(410)).toBe('gone');
    expect([null, 301, 302, 400, 404, 429, 500, 503].map(outcomeOf)).toEqual(Array(8).fill('retry'));
  });

  it('honours Retry-After in seconds within the schedule', () => {
    expect(retryAfterSeconds('120', schedule)).toBe(120);
    expect(retryAfterSeconds('1', schedule)).toBe(5);
    expect(retryAfterSeconds('999999', schedule)).toBe(3600);
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:00 GMT', schedule)).toBeUndefined();
    expect(retryAfterSeconds(undefined, schedule)).toBeUndefined();
  });
});

describe('the deny list', () => {
  const denied = deniedNetworks(DEFAULT_DENIED_NETWORKS);

  it('denies loopback, link-local (cloud metadata) and unspecified addresses, IPv4-mapped ones too', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '169.254.169.254',
      'fe80::1',
      '0.0.0.0',
      '::',
      '::ffff:127.0.0.1',
    ]) {
      expect({ address, denied: denied.denies(address) }).toEqual({ address, denied: true });
    }
  });

  it('allows private and public ranges by default', () => {
    for (const address of ['10.1.2.3', '192.168.0.10', '172.16.5.4', '8.8.8.8', '2001:db8::1', '::ffff:10.0.0.1']) {
      expect({ address, denied: denied.denies(address) }).toEqual({ address, denied: false });
    }
  });

  it('is WEBHOOK_DENY_NETWORKS: a list of CIDR ranges, or none', () => {
    const env = { DATABASE_URL: 'postgresql://x@127.0.0.1/db', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(parseConfig(env).WEBHOOK_DENY_NETWORKS).toEqual(DEFAULT_DENIED_NETWORKS);
    expect(parseConfig({ ...env, WEBHOOK_DENY_NETWORKS: 'none' }).WEBHOOK_DENY_NETWORKS).toEqual([]);
    const custom = parseConfig({ ...env, WEBHOOK_DENY_NETWORKS: '10.0.0.0/8, fd00::/8' }).WEBHOOK_DENY_NETWORKS;
    expect(deniedNetworks(custom).denies('10.9.9.9')).toBe(true);
    expect(deniedNetworks(custom).denies('127.0.0.1')).toBe(false);
    expect(() => parseConfig({ ...env, WEBHOOK_DENY_NETWORKS: '10.0.0.0/33' })).toThrow(
      /WEBHOOK_DENY_NETWORKS is invalid/,
    );
    expect(parseCidr('localhost/8')).toBeUndefined();
  });
});
