import { z } from 'zod';

// How the service reaches Redis: one server by URL, a Redis Cluster, or a master found
// through Sentinel. Exactly one of the three is set; the credentials and TLS settings
// belong to the two modes without a URL (a URL carries its own, `rediss://` for TLS).

export interface HostPort {
  host: string;
  port: number;
}

/** TLS on, with the CA that signs the servers' certificates (unset: Node's default CAs). */
export interface RedisTls {
  caFile?: string;
}

export type RedisTarget =
  | { mode: 'single'; url: string; tls?: RedisTls }
  | { mode: 'cluster'; nodes: HostPort[]; username?: string; password?: string; tls?: RedisTls }
  | {
      mode: 'sentinel';
      sentinels: HostPort[];
      masterName: string;
      username?: string;
      password?: string;
      tls?: RedisTls;
    };

interface RedisSettings {
  REDIS_URL?: string | undefined;
  REDIS_CLUSTER_NODES?: HostPort[] | undefined;
  REDIS_SENTINELS?: HostPort[] | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
  REDIS_USERNAME?: string | undefined;
  REDIS_PASSWORD?: string | undefined;
  REDIS_TLS: boolean;
  REDIS_TLS_CA_FILE?: string | undefined;
  REDIS_PREFIX: string;
}

const MODES = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const;

/**
 * Derives the target from the REDIS_* settings; a conflict is an issue on the variable
 * at fault, so the process stops with one line naming it.
 */
export function redisTarget(s: RedisSettings, ctx: z.RefinementCtx): RedisTarget {
  const fail = (variable: string, message: string): never => {
    ctx.addIssue({ code: 'custom', path: [variable], message });
    return z.NEVER;
  };
  const set = MODES.filter((name) => s[name] !== undefined);
  if (set.length === 0) {
    return fail('REDIS_URL', '(or REDIS_CLUSTER_NODES, or REDIS_SENTINELS with REDIS_SENTINEL_MASTER)');
  }
  if (set.length > 1) return fail(set[1]!, `set only one of ${MODES.join(', ')} (${set.join(' and ')} are set)`);

  if (s.REDIS_URL !== undefined) {
    for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_SENTINEL_MASTER'] as const) {
      if (s[name] !== undefined) return fail(name, 'not used with REDIS_URL (the URL carries the credentials)');
    }
    if (s.REDIS_TLS) return fail('REDIS_TLS', 'not used with REDIS_URL (use a rediss:// URL for TLS)');
    const secure = s.REDIS_URL.startsWith('rediss:');
    if (s.REDIS_TLS_CA_FILE !== undefined && !secure) return fail('REDIS_TLS_CA_FILE', 'needs a rediss:// REDIS_URL');
    return { mode: 'single', url: s.REDIS_URL, ...(secure ? { tls: tlsOf(s) } : {}) };
  }

  if (s.REDIS_TLS_CA_FILE !== undefined && !s.REDIS_TLS) return fail('REDIS_TLS_CA_FILE', 'needs REDIS_TLS=true');
  const common = {
    ...(s.REDIS_USERNAME !== undefined ? { username: s.REDIS_USERNAME } : {}),
    ...(s.REDIS_PASSWORD !== undefined ? { password: s.REDIS_PASSWORD } : {}),
    ...(s.REDIS_TLS ? { tls: tlsOf(s) } : {}),
  };
  if (s.REDIS_CLUSTER_NODES !== undefined) {
    if (s.REDIS_SENTINEL_MASTER !== undefined) return fail('REDIS_SENTINEL_MASTER', 'needs REDIS_SENTINELS');
    // BullMQ's scripts touch several keys of a queue at once: on a Cluster they must share a slot.
    if (!/\{[^}]+\}/.test(s.REDIS_PREFIX))
      return fail('REDIS_PREFIX', 'must be hash-tagged ({...}) on a Redis Cluster');
    return { mode: 'cluster', nodes: s.REDIS_CLUSTER_NODES, ...common };
  }
  if (s.REDIS_SENTINEL_MASTER === undefined) {
    return fail('REDIS_SENTINEL_MASTER', '(the name the sentinels monitor the master under)');
  }
  return { mode: 'sentinel', sentinels: s.REDIS_SENTINELS!, masterName: s.REDIS_SENTINEL_MASTER, ...common };
}

function tlsOf(s: RedisSettings): RedisTls {
  return s.REDIS_TLS_CA_FILE !== undefined ? { caFile: s.REDIS_TLS_CA_FILE } : {};
}
