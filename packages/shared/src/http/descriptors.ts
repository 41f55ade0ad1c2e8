import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from '../log';

// Out of file descriptors, the kernel and libuv drop new connections without a word: warn
// before that happens. Linux only (/proc); elsewhere the watch does nothing.

export const DESCRIPTORS_WARN_RATIO = 0.8;
const CHECK_EVERY_MS = 1000;
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

function openDescriptors(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

/**
 * A check to call on every new connection: it counts open descriptors at most once a second
 * (a directory listing) and warns at most once a minute while more than 80% of the limit is used.
 */
export function descriptorWatch(logger: Logger, limit = descriptorLimit()): () => void {
  let lastCheck = 0;
  let lastWarning = -Infinity;
  return () => {
    const now = Date.now();
    if (limit === undefined || now - lastCheck < CHECK_EVERY_MS) return;
    lastCheck = now;
    const open = openDescriptors();
    if (open === undefined || open < limit * DESCRIPTORS_WARN_RATIO || now - lastWarning < WARN_EVERY_MS) return;
    lastWarning = now;
    logger.warn(
      { open_descriptors: open, limit },
      'open file descriptors near the limit: past it new connections are dropped unanswered (raise ulimit -n)',
    );
  };
}
