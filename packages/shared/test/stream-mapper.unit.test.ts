import { streamInput } from '../src/contract/streams';
import { toStreamObject, type StreamRow } from '../src/store/stream-mapper';

const UUID = '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40';

/** Reverses key order at every level, as jsonb may hand documents back in another order. */
function shuffled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shuffled);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, shuffled(v)]),
    );
  }
  return value;
}

function keysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keysDeep);
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => [k, keysDeep(v)]);
  return value;
}

function row(input: ReturnType<typeof streamInput.parse>, overrides: Partial<StreamRow> = {}): StreamRow {
  return {
    stream_id: UUID,
    account_id: UUID,
    name: input.name,
    description: input.description,
    data: shuffled(input.data),
    event_handler: shuffled(input.event_handler),
    policies: shuffled(input.policies),
    location: shuffled(input.location),
    autorestart_restart: input.autorestart.restart,
    autorestart_attempt_count: input.autorestart.attempt_count,
    autorestart_delay: input.autorestart.delay,
    autorestart_current_attempt: 0,
    autorestart_last_attempt_time: null,
    autorestart_status: 'enabled',
    version: 1,
    create_time: new Date('2026-12-01T00:00:00.000Z'),
    status: 'pending',
    last_error: null,
    video_info: null,
    ...overrides,
  };
}

describe('toStreamObject', () => {
  it('lays every stored document out in the contract order, whatever order jsonb returns', () => {
    const input = streamInput.parse({
      account_id: UUID,
      data: { type: 'images', reference: '/frames', mask: '*.jpg' },
      event_handler: {
        origin: 'http://x',
        bestshot_handler: { handler_id: UUID },
        frame_store: 'http://y',
        authorization: { token: 't' },
      },
      location: { geo_position: { latitude: 1, longitude: 2 } },
    });
    const object = toStreamObject(row(input), ['g']);
    const expected = {
      data: input.data,
      event_handler: input.event_handler,
      policies: input.policies,
      location: input.location,
    };
    expect(keysDeep(object.data)).toEqual(keysDeep(expected.data));
    expect(Object.keys(object.data)).toEqual(['type', 'reference', 'roi', 'droi', 'rotation', 'mask']);
    expect(keysDeep(object.event_handler)).toEqual(keysDeep(expected.event_handler));
    expect(keysDeep(object.policies)).toEqual(keysDeep(expected.policies));
    expect(keysDeep(object.location)).toEqual(keysDeep(expected.location));
    expect(Object.keys(object)).toEqual([
      'stream_id',
      'account_id',
      'name',
      'description',
      'data',
      'event_handler',
      'policies',
      'location',
      'autorestart',
      'version',
      'create_time',
      'status',
      'last_error',
      'video_info',
      'groups',
    ]);
  });

  it('fills defaults a stored document lacks, and leaves optional keys out', () => {
    const input = streamInput.parse({
      account_id: UUID,
      data: { type: 'tcp', reference: 'rtsp://x' },
      event_handler: { origin: 'http://x', bestshot_handler: { handler_id: UUID } },
    });
    const stored = row(input, { policies: { sending: { type: 'frames' } } });
    const object = toStreamObject(stored, []);
    expect(object.policies.sending).toEqual({ ...input.policies.sending, type: 'frames' });
    expect(object.policies.healthcheck).toEqual(input.policies.healthcheck);
    expect('frame_store' in object.event_handler).toBe(false);
    expect('mask' in object.data).toBe(false);
  });
});
