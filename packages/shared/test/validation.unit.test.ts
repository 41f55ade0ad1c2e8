import { z } from 'zod';
import { parseBody, repr } from '../src/contract/validation';
import { isStorableText, videoInfo } from '../src/contract/primitives';
import { streamInput } from '../src/contract/streams';
import { LunaError } from '../src/contract/errors';

function detailOf(schema: z.ZodType, body: unknown): string {
  try {
    parseBody(schema, body);
  } catch (error) {
    expect(error).toBeInstanceOf(LunaError);
    return (error as LunaError).detail;
  }
  throw new Error('expected a validation error');
}

const UUID = '0c4f7a52-1d6e-4b8a-9f3c-2a7e5d9b1c40';

describe('validation details', () => {
  const schema = z.strictObject({
    a: z.string().max(3),
    b: z.int().min(1).max(5).optional(),
    c: z.strictObject({ d: z.enum(['x', 'y']) }).optional(),
    e: z.array(z.string()).max(1).optional(),
  });

  it.each([
    [{}, "Path: '', message: ''a' is a required property'"],
    [{ a: 'abcd' }, "Path: 'a', message: ''abcd' is too long'"],
    [{ a: 1 }, "Path: 'a', message: '1 is not of type 'string''"],
    [{ a: 'x', b: 0 }, "Path: 'b', message: '0 is less than the minimum of 1'"],
    [{ a: 'x', b: 6 }, "Path: 'b', message: '6 is greater than the maximum of 5'"],
    [{ a: 'x', b: 1.5 }, "Path: 'b', message: '1.5 is not of type 'integer''"],
    [{ a: 'x', c: { d: 'z' } }, "Path: 'c.d', message: ''z' is not one of ['x', 'y']'"],
    [{ a: 'x', c: {} }, "Path: 'c', message: ''d' is a required property'"],
    [{ a: 'x', f: 1, g: 2 }, "Path: '', message: 'Additional properties are not allowed ('f', 'g' were unexpected)'"],
    [{ a: 'x', e: ['1', '2'] }, 'Path: \'e\', message: \'["1","2"] is too long\''],
    [null, "Path: '', message: 'None is not of type 'object''"],
  ])('%p → %s', (body, detail) => {
    expect(detailOf(schema, body)).toBe(`Failed to validate input json. ${detail}`);
  });

  it('refuses a missing body with 12002', () => {
    expect(() => parseBody(schema, undefined)).toThrow('Request does not contain json');
  });

  it('cuts long values short', () => {
    expect(repr('x'.repeat(100))).toBe(`'${'x'.repeat(76)}...'`);
  });
});

describe('storable text', () => {
  it.each([
    ['plain', true],
    ['emoji 😀 pairs', true],
    ['nul \u0000', false],
    ['lone high \ud800', false],
    ['lone low \udc00 x', false],
  ])('%p storable: %p', (text, ok) => {
    expect(isStorableText(text)).toBe(ok);
  });
});

describe('stream input', () => {
  it('fills nested defaults even for a partial policies object', () => {
    const parsed = streamInput.parse({
      account_id: UUID,
      data: { type: 'images', reference: '/data/frames', mask: '*.jpg' },
      event_handler: { origin: 'https://luna.example', bestshot_handler: { handler_id: UUID } },
      policies: { sending: {} },
    });
    expect(parsed.policies.sending.number_of_bestshots_to_send).toBe(1);
    expect(parsed.policies.healthcheck.retry_delay).toBe(5);
    expect(parsed.data).toEqual({
      type: 'images',
      reference: '/data/frames',
      mask: '*.jpg',
      roi: [0, 0, 0, 0],
      droi: [0, 0, 0, 0],
      rotation: 0,
    });
    expect(parsed.status).toBe('pending');
  });

  it('allows mask only on images', () => {
    const result = streamInput.safeParse({
      account_id: UUID,
      data: { type: 'tcp', reference: 'rtsp://x', mask: '*.jpg' },
      event_handler: { origin: 'http://x', bestshot_handler: { handler_id: UUID } },
    });
    expect(result.success).toBe(false);
  });
});

describe('video_info', () => {
  const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
  it.each([
    [{ frame_width: 1920, fps: 25.0, codec: 'h264', tags: ['a', { b: null }] }, true],
    [nest(8), true],
    [nest(9), false],
    [{ text: 'x'.repeat(16 * 1024) }, false],
    // The limit is on the serialised UTF-8 bytes: {"t":"…"} is 8 bytes around the text.
    [{ t: 'x'.repeat(16 * 1024 - 8) }, true],
    [{ t: 'x'.repeat(16 * 1024 - 7) }, false],
    [{ t: 'é'.repeat(8188) }, true],
    [{ t: 'é'.repeat(8189) }, false],
    [{ t: '\u0001'.repeat(2729) }, true],
    [{ t: '\u0001'.repeat(2730) }, false],
    [{ t: 'x'.repeat(3000), n: Array.from({ length: 300 }, () => -Math.PI * 1e-300) }, true],
    [{ text: 'nul\u0000' }, false],
    [{ 'key\u0000': 1 }, false],
    [{ lone: '\ud800' }, false],
    [[1, 2], false],
    ['text', false],
  ])('%#: accepted %p', (value, ok) => {
    expect(videoInfo.safeParse(value).success).toBe(ok);
  });
});
