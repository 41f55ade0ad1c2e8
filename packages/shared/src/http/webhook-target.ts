import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { errors } from '../contract/errors';
import type { DeniedNetworks } from '../domain/webhooks';

// Outgoing webhook requests never reach the service's own private surfaces
// (docs/dev/webhooks.md): a URL whose address falls in WEBHOOK_DENY_NETWORKS is refused
// when it is saved, and again at every delivery, where the check runs inside the
// connection's own DNS lookup, so the address checked is the address connected to.

/** The host of a URL as an address when it is one ([::1] → ::1), else undefined. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) !== 0 ? bare : undefined;
}

export class DeniedAddressError extends Error {
  readonly code = 'EDENIED';
}

function deniedMessage(host: string, address: string, denied: DeniedNetworks): string {
  const via = host === address ? '' : `${host} resolves to `;
  return `${via}${address}, in a denied network (WEBHOOK_DENY_NETWORKS: ${denied.ranges.join(',')})`;
}

/** A dns.lookup that fails when any address of the name is denied. */
export function guardedLookup(denied: DeniedNetworks): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => denied.denies(a.address));
      if (refused) return callback(new DeniedAddressError(deniedMessage(hostname, refused.address, denied)), '', 0);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** The reason a URL's host is denied now, or undefined (a name that does not resolve now is allowed). */
export async function deniedReason(url: string, denied: DeniedNetworks, timeoutMs = 2000): Promise<string | undefined> {
  if (denied.ranges.length === 0) return undefined;
  const host = new URL(url).hostname;
  const literal = literalAddress(host);
  if (literal !== undefined) return denied.denies(literal) ? deniedMessage(host, literal, denied) : undefined;
  let timer: NodeJS.Timeout | undefined;
  const resolved = await Promise.race([
    dns.promises.lookup(host, { all: true }).catch(() => [] as dns.LookupAddress[]),
    new Promise<dns.LookupAddress[]>((resolve) => (timer = setTimeout(() => resolve([]), timeoutMs))),
  ]);
  clearTimeout(timer);
  const refused = resolved.find((a) => denied.denies(a.address));
  return refused ? deniedMessage(host, refused.address, denied) : undefined;
}

/** 400 39013 when the URL's address is denied. */
export async function assertWebhookUrlAllowed(url: string, denied: DeniedNetworks): Promise<void> {
  const reason = await deniedReason(url, denied);
  if (reason !== undefined) throw errors.webhookUrlRefused(reason);
}
