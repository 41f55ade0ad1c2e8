import { readdirSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import type { Logger } from '../log';

// Out of file descriptors, the kernel and libuv drop new connections without a word: warn
// before that happens. Linux only (/proc); elsewhere the watch does nothing.

export const DESCRIPTORS_WARN_RATIO = 0.8;
const LIST_EVERY_MS = 1000;
const WARN_EVERY_MS = 60_000;

/** The soft limit of open files (`ulimit -n`), or undefined when unknown or unlimited. */
export function descriptorLimit(): number | undefined {
  try {
    const limit = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return limit === undefined ? undefined : Number(limit);
  } catch {
    return undefined;
  }
}

/** Open descriptors; Infinity when listing them needs one more than is left. */
function openDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch (error) {
    return ['EMFILE', 'ENFILE'].includes((error as NodeJS.ErrnoException).code ?? '') ? Infinity : undefined;
  }
}

/**
 * The server's 'connection' listener. Open descriptors are the HTTP connections, counted as they
 * come and go, plus the others (pools, files), listed at most once a second: a burst of
 * connections is seen as it happens, at no cost per connection. Warns at most once a minute
 * while more than 80% of the limit is in use.
 */
export function descriptorWatch(logger: Logger, limit = descriptorLimit()): (socket: Socket) => void {
  let connections = 0;
  let others = 0;
  let lastListing = -Infinity;
  let lastWarning = -Infinity;
  return (socket) => {
    connections++;
    socket.once('close', () => connections--);
    if (limit === undefined) return;
    const now = Date.now();
    if (now - lastListing >= LIST_EVERY_MS) {
      lastListing = now;
      const open = openDescriptors();
      if (open !== undefined) others = Math.max(0, Math.min(open, limit) - connections);
    }
    const open = others + connections;
    if (open < limit * DESCRIPTORS_WARN_RATIO || now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    logger.warn(
      { open_descriptors: open, limit },
      'open file descriptors near the limit: past it new connections are dropped unanswered (raise ulimit -n)',
    );
  };
}
