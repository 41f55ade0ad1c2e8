import type { Request, Response } from 'express';
import { EVENT_ID_PATTERN, errors, LunaError, type EventsQuery } from '@luna-streams/shared';
import type { ApiDeps } from '../deps';
import { FeedClient, statusEventText } from './feed-client';

// GET /1/streams/events, after its query was parsed: every check that can fail is made
// before the 200 is written, so a bad request is an ordinary Luna error, never a
// half-open event stream.

const CATCH_UP_PAGE = 50;

/** Last-Event-ID (the header browsers send on reconnect) or the last_event_id parameter. */
export function lastEventId(req: Request, query: EventsQuery): number | undefined {
  const header = req.get('Last-Event-ID');
  if (header === undefined) return query.last_event_id;
  if (!EVENT_ID_PATTERN.test(header.trim())) throw errors.badHeader('Last-Event-ID');
  return Number(header.trim());
}

export async function follow(deps: ApiDeps, req: Request, res: Response, query: EventsQuery): Promise<void> {
  const { events, eventFeed, config, metrics } = deps;
  const after = lastEventId(req, query);
  if (events.clients.size >= config.EVENTS_MAX_CLIENTS) {
    throw new LunaError('OVERLOADED', `Event stream clients are at the limit (${config.EVENTS_MAX_CLIENTS})`);
  }
  const { last_event_id: _ignored, ...filter } = query;
  await events.current();
  const oldest = after === undefined ? null : await eventFeed.oldestKept();
  // Re-checked after the awaits: many clients may have been waiting on them together.
  if (events.clients.size >= config.EVENTS_MAX_CLIENTS) {
    throw new LunaError('OVERLOADED', `Event stream clients are at the limit (${config.EVENTS_MAX_CLIENTS})`);
  }

  // `until` is read, the client registered and told to hold live rows in one synchronous
  // step: rows up to `until` come from catching up, every later one from the live feed.
  const until = events.position!;
  const client = new FeedClient(res, filter, Math.min(after ?? until, until), config.EVENTS_CLIENT_BUFFER, (ended) => {
    events.clients.delete(ended);
    metrics.eventsClients.set(events.clients.size);
  });
  events.clients.add(client);
  metrics.eventsClients.set(events.clients.size);
  client.open();
  if (after === undefined || after >= until) {
    // A client ahead of this copy (it read another one) skips what it already has.
    if (after !== undefined) client.last = after;
    return;
  }
  client.holdLive();
  // Retention removed rows after `after` (its own row is gone and more with it).
  const kept = oldest ?? until + 1;
  if (kept > after + 1) client.reset(kept);
  let from = after;
  while (from < until && !client.isEnded) {
    const rows = await eventFeed.rows(from, until, CATCH_UP_PAGE, filter);
    client.checkBacklog();
    for (const row of rows) client.send(row, statusEventText(row));
    metrics.eventsSent.inc(rows.length);
    from = rows.length < CATCH_UP_PAGE ? until : rows[rows.length - 1]!.seq;
    await client.drained();
  }
  client.releaseHeld(statusEventText);
}
