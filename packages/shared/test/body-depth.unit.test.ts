import fc from 'fast-check';
import { repr } from '../src/contract/validation';
import { MAX_BODY_DEPTH, tooDeep } from '../src/http/json-body';

// Depth bombs: a value nested 100,000 deep (what a 1 MiB body allows) neither overflows
// the stack when shown in a validation message nor passes the body parser's depth check.

const nest = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

it('shows a 100,000-deep value as its first 76 characters', () => {
  expect(repr(nest(100_000, 'array'))).toBe(`${'['.repeat(76)}...`);
  expect(repr(nest(100_000, 'object'))).toBe(`${'{"a":'.repeat(15)}{...`);
});

it('shows any JSON value as JSON.stringify does, cut at 76 characters', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      if (typeof value === 'string' || typeof value === 'boolean' || value === null) return;
      const full = JSON.stringify(value);
      expect(repr(value)).toBe(full.length > 76 ? `${full.slice(0, 76)}...` : full);
    }),
  );
});

it('finds the path to the first value nested too deep, and nothing in a shallow one', () => {
  expect(tooDeep(nest(MAX_BODY_DEPTH, 'object'), MAX_BODY_DEPTH)).toBeUndefined();
  expect(tooDeep(nest(MAX_BODY_DEPTH + 1, 'object'), MAX_BODY_DEPTH)).toHaveLength(MAX_BODY_DEPTH);
  expect(tooDeep({ ok: [1, 2], streams: [{}, { info: nest(100_000, 'array') }] }, MAX_BODY_DEPTH)?.slice(0, 4)).toEqual(
    ['streams', '1', 'info', '0'],
  );
});
