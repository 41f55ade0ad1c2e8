import { randomUUID } from 'node:crypto';

// Luna-Request-Id (spec 1.2): "<unix seconds>,<uuid>", echoed on every response.
export const LUNA_REQUEST_ID_HEADER = 'Luna-Request-Id';
export const LUNA_REQUEST_ID_PATTERN = /^[0-9]{10},[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

export function newRequestId(now: Date = new Date()): string {
  return `${Math.floor(now.getTime() / 1000)},${randomUUID()}`;
}

export function isValidRequestId(value: string): boolean {
  return LUNA_REQUEST_ID_PATTERN.test(value);
}
