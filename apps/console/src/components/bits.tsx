import type { ComponentChildren } from 'preact';
import type { LunaError } from '../lib/errors';

// Small pieces every view uses.

const STATUS_LABELS: Record<string, string> = {
  pending: 'pending',
  in_progress: 'in progress',
  done: 'done',
  pause: 'paused',
  cancel: 'cancelled',
  failure: 'failure',
  restart: 'restart',
  handler_lost: 'handler lost',
};

/** A status told by its words (the colour only repeats them); data-status keeps the API's value. */
export function Status({ status }: { status: string }) {
  return (
    <span class={`status status-${status}`} data-status={status}>
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}

/** An API error: its code, description and detail, and what to do about it. */
export function ErrorNote({ error, hint }: { error: LunaError; hint?: ComponentChildren }) {
  return (
    <div class="error-note" role="alert" data-error-code={error.error_code}>
      <strong>{error.error_code === 0 ? error.desc : `Error ${error.error_code}: ${error.desc}`}</strong>
      {error.detail && error.detail !== error.desc ? <span> · {error.detail}</span> : null}
      {hint ? <p class="hint">{hint}</p> : null}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

/** "12 s ago", "3 min ago", "in 40 s": relative times next to absolute ones. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const text = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3600)} h`;
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
