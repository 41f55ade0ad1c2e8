import type { AutorestartStatus } from '../contract/streams';

// Autorestart decisions (spec 3.6, 6.4; DESIGN.md section 5). Pure functions.

/** The autorestart status of a stream that has not failed yet. */
export function initialAutorestartStatus(restart: 0 | 1): AutorestartStatus {
  return restart === 1 ? 'enabled' : 'disabled';
}
