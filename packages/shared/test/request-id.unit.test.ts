import { isValidRequestId, LUNA_REQUEST_ID_PATTERN, newRequestId } from '../src/contract/request-id';

describe('Luna-Request-Id', () => {
  it('makes ids of the form <10-digit unix seconds>,<uuid4>', () => {
    const now = new Date('2026-12-01T10:00:00.900Z');
    const id = newRequestId(now);
    expect(id).toMatch(LUNA_REQUEST_ID_PATTERN);
    expect(id.split(',')[0]).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(id.split(',')[1]).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/);
    expect(newRequestId(now)).not.toBe(id);
  });

  it.each([
    ['1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a', true],
    ['153675134,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a', false],
    ['1536751345,8B8B5937-2E9C-4E8B-A7A7-5CAF86621B5A', false],
    ['1536751345;8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a', false],
    ['1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a ', false],
    ['', false],
  ])('validates %p as %p', (value, valid) => {
    expect(isValidRequestId(value)).toBe(valid);
  });
});
