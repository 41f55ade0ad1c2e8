import { errorPath, fieldForError } from '../src/lib/errors';

const bad = (path: string, message: string) => ({
  error_code: 12022,
  desc: 'Bad/incomplete input data',
  detail: `Failed to validate input json. Path: '${path}', message: '${message}'`,
});
const FIELDS = [
  'account_id',
  'data.reference',
  'event_handler.origin',
  'event_handler.bestshot_handler.handler_id',
  'group_name',
];

describe('an API error at the field its detail names', () => {
  it('reads the path of a validation error', () => {
    expect(errorPath(bad('event_handler.origin', "'ftp://x' is not a 'url'"))).toBe('event_handler.origin');
  });

  it('names the missing property, not its parent', () => {
    const error = bad('event_handler.bestshot_handler', "'handler_id' is a required property");
    expect(errorPath(error)).toBe('event_handler.bestshot_handler.handler_id');
    expect(fieldForError(error, FIELDS)).toBe('event_handler.bestshot_handler.handler_id');
    expect(fieldForError(bad('', "'account_id' is a required property"), FIELDS)).toBe('account_id');
  });

  it('picks the closest form field for a deeper path, or none (the JSON editor shows it)', () => {
    expect(fieldForError(bad('data.reference.x', 'too long'), FIELDS)).toBe('data.reference');
    expect(
      fieldForError(bad('policies.filtering.min_score', '5 is greater than the maximum of 1'), FIELDS),
    ).toBeUndefined();
  });

  it('puts an unknown group at the group field, and other errors nowhere', () => {
    expect(fieldForError({ error_code: 39007, desc: 'Group not found', detail: 'x' }, FIELDS)).toBe('group_name');
    expect(fieldForError({ error_code: 2, desc: 'Database error', detail: 'gone' }, FIELDS)).toBeUndefined();
  });
});
