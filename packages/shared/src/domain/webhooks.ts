import { BlockList, isIP } from 'node:net';

// Pure rules of webhook delivery (docs/dev/webhooks.md): the retry schedule, what an
// answer means, and which addresses a message may never be sent to.

/** Loopback, link-local (cloud metadata at 169.254.169.254) and unspecified addresses. */
export const DEFAULT_DENIED_NETWORKS = ['127.0.0.0/8', '::1/128', '169.254.0.0/16', 'fe80::/10', '0.0.0.0/8', '::/128'];

/** Parses "a.b.c.d/n" or "x::y/n"; undefined when it is no CIDR range. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const match = /^([^/\s]+)\/([0-9]{1,3})$/.exec(text.trim());
  if (!match) return undefined;
  const family = isIP(match[1]!);
  const prefix = Number(match[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
  return { address: match[1]!, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

export interface DeniedNetworks {
  /** The ranges as configured, for messages. */
  readonly ranges: readonly string[];
  /** Whether an address (IPv4, IPv6, or IPv4 mapped into IPv6) falls in a denied range. */
  denies(address: string): boolean;
}

export function deniedNetworks(ranges: readonly string[]): DeniedNetworks {
  const list = new BlockList();
  for (const range of ranges) {
    const cidr = parseCidr(range);
    if (!cidr) throw new Error(`not a CIDR range: ${range}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return {
    ranges,
    denies(address: string): boolean {
      // ::ffff:127.0.0.1 reaches 127.0.0.1: judge it as the IPv4 address it carries.
      const mapped = /^::ffff:([0-9.]+)$/i.exec(address)?.[1];
      const plain = mapped ?? address;
      const family = isIP(plain);
      if (family === 0) return false;
      return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

export interface RetrySchedule {
  minSeconds: number;
  maxSeconds: number;
}

/**
 * Seconds before attempt `attempts + 1`, after `attempts` failed ones: doubling from the
 * minimum, capped at the maximum, with ±20% jitter so that many messages failed together
 * do not come back together; never below the minimum nor above the maximum.
 */
export function retryDelaySeconds(
  attempts: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): number {
  const doubled = schedule.minSeconds * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const base = Math.min(doubled, schedule.maxSeconds);
  const jittered = base * (0.8 + 0.4 * random());
  return Math.min(Math.max(jittered, schedule.minSeconds), schedule.maxSeconds);
}

export type AttemptOutcome = 'delivered' | 'gone' | 'retry';

/** 2xx is delivered; 410 Gone disables the webhook; anything else (3xx too: redirects are not followed) is retried. */
export function outcomeOf(httpStatus: number | null): AttemptOutcome {
  if (httpStatus !== null && httpStatus >= 200 && httpStatus < 300) return 'delivered';
  if (httpStatus === 410) return 'gone';
  return 'retry';
}

/** A Retry-After header in seconds (429, 503), within the schedule; undefined when absent or a date. */
export function retryAfterSeconds(header: string | undefined, schedule: RetrySchedule): number | undefined {
  if (header === undefined || !/^[0-9]{1,9}$/.test(header.trim())) return undefined;
  return Math.min(Math.max(Number(header.trim()), schedule.minSeconds), schedule.maxSeconds);
}
