import type { FeedRow } from '@luna-streams/shared';
import type { Response } from 'express';
import { FeedClient, matchesFilter, statusEventText } from '../src/events/feed-client';

const row: FeedRow = {
  seq: 7,
  stream_id: '11111111-1111-4111-8111-111111111111',
  account_id: '22222222-2222-4222-8222-222222222222',
  status: 'failure',
  version: 3,
  error: 'line one\nline two',
  video_info: null,
  log_time: '2026-12-02T06:00:00.000Z',
  groups: ['lobby'],
};

test('an event is id, event and one line of data without the groups', () => {
  const text = statusEventText(row);
  expect(text.split('\n')).toEqual([
    'id: 7',
    'event: status',
    `data: {"seq":7,"stream_id":"${row.stream_id}","account_id":"${row.account_id}","status":"failure","version":3,"error":"line one\\nline two","video_info":null,"log_time":"2026-12-02T06:00:00.000Z"}`,
    '',
    '',
  ]);
});

test.each([
  [{}, true],
  [{ account_id: row.account_id }, true],
  [{ account_id: row.stream_id }, false],
  [{ stream_ids: [row.stream_id] }, true],
  [{ statuses: ['done' as const] }, false],
  [{ statuses: ['done' as const, 'failure' as const], group_name: 'lobby' }, true],
  [{ group_name: 'gate' }, false],
])('filter %j matches: %s', (filter, expected) => {
  expect(matchesFilter(filter, row)).toBe(expected);
});

test('the rows of one batch leave as one write, only those the filter matches', () => {
  const writes: string[] = [];
  const res = { on: () => res, write: (text: string) => writes.push(text), writableLength: 0 };
  const client = new FeedClient(res as unknown as Response, { statuses: ['failure'] }, 0, 1024, () => undefined);
  const rows = [row, { ...row, seq: 8, status: 'done' as const }, { ...row, seq: 9 }];
  client.batch();
  for (const r of rows) client.deliver(r, statusEventText(r));
  expect(writes).toEqual([]);
  client.flush();
  expect(writes).toEqual([statusEventText(rows[0]!) + statusEventText(rows[2]!)]);
  expect(client.last).toBe(9);
  // Outside a batch each row is its own write.
  client.deliver({ ...row, seq: 10 }, 'ten');
  expect(writes).toHaveLength(2);
});
