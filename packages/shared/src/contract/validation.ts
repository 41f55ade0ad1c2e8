import type { z } from 'zod';
import { errors, type LunaError } from './errors';

// Turns the first zod issue into the Luna detail of spec 1.3:
// "Failed to validate input json. Path: '<path>', message: '<message>'", worded the way
// the original's JSON-schema validator words it, so clients that match on it keep working.

type Issue = z.core.$ZodIssue & { input?: unknown };

const REPR_LIMIT = 76;

/**
 * JSON text of `value`, stopped as soon as it is longer than `limit`: it walks no more of the value
 * than it shows, so a huge or 100,000-deep value costs as little as a small one (each level of
 * nesting writes at least one character, which also bounds the recursion).
 */
function jsonPrefix(value: unknown, limit: number): string {
  let out = '';
  const write = (text: string): boolean => {
    out += text;
    return out.length > limit;
  };
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return write(JSON.stringify(v.slice(0, limit + 1)));
    if (v === null || typeof v !== 'object') return write(JSON.stringify(v) ?? 'null');
    if (Array.isArray(v)) {
      if (write('[')) return true;
      for (let i = 0; i < v.length; i++) if ((i > 0 && write(',')) || walk(v[i])) return true;
      return write(']');
    }
    if (write('{')) return true;
    let first = true;
    for (const [key, inner] of Object.entries(v)) {
      if (inner === undefined) continue;
      if ((!first && write(',')) || write(`${JSON.stringify(key.slice(0, limit + 1))}:`) || walk(inner)) return true;
      first = false;
    }
    return write('}');
  };
  walk(value);
  return out;
}

/** A value as the original's messages show it: strings quoted, long values cut short. */
export function repr(value: unknown): string {
  const cut = (text: string) => (text.length > REPR_LIMIT ? `${text.slice(0, REPR_LIMIT)}...` : text);
  if (typeof value === 'string') return `'${cut(value.slice(0, REPR_LIMIT + 1))}'`;
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === undefined) return 'undefined';
  return cut(jsonPrefix(value, REPR_LIMIT));
}

const TYPE_NAMES: Record<string, string> = { int: 'integer', number: 'number' };

function describe(issue: Issue): { path: PropertyKey[]; message: string } {
  const path = issue.path;
  const hasInput = 'input' in issue && issue.input !== undefined;
  // JSON has no undefined: a missing input is a missing property, whatever the schema was.
  if (!hasInput && path.length > 0 && ['invalid_type', 'invalid_value', 'invalid_union'].includes(issue.code)) {
    return { path: path.slice(0, -1), message: `'${String(path.at(-1))}' is a required property` };
  }
  switch (issue.code) {
    case 'invalid_type':
      return {
        path,
        message: `${repr(issue.input)} is not of type '${TYPE_NAMES[issue.expected] ?? issue.expected}'`,
      };
    case 'too_big':
      return {
        path,
        message:
          issue.origin === 'number' || issue.origin === 'int'
            ? `${repr(issue.input)} is greater than the maximum of ${String(issue.maximum)}`
            : `${repr(issue.input)} is too long`,
      };
    case 'too_small':
      return {
        path,
        message:
          issue.origin === 'number' || issue.origin === 'int'
            ? `${repr(issue.input)} is less than the minimum of ${String(issue.minimum)}`
            : `${repr(issue.input)} is too short`,
      };
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? { path, message: `${repr(issue.input)} does not match '${String(issue.pattern).slice(1, -1)}'` }
        : { path, message: `${repr(issue.input)} is not a '${issue.format}'` };
    case 'invalid_value':
      return { path, message: `${repr(issue.input)} is not one of [${issue.values.map(repr).join(', ')}]` };
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `'${k}'`).join(', ');
      const verb = issue.keys.length === 1 ? 'was' : 'were';
      return { path, message: `Additional properties are not allowed (${keys} ${verb} unexpected)` };
    }
    case 'invalid_union':
      // A discriminated union reports the discriminator's path; the original names the object.
      return {
        path: 'discriminator' in issue && issue.discriminator ? path.slice(0, -1) : path,
        message: `${repr(issue.input)} is not valid under any of the given schemas`,
      };
    default:
      return { path, message: issue.message };
  }
}

export function validationError(zodError: z.ZodError): LunaError {
  const first = zodError.issues[0] as Issue | undefined;
  if (!first) return errors.badJson('', 'invalid input');
  const { path, message } = describe(first);
  return errors.badJson(path.map(String).join('.'), message);
}

/** Parses a request body with a contract schema; a violation is a 12022 LunaError. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body === undefined) throw errors.noJson();
  const result = schema.safeParse(body, { reportInput: true });
  if (!result.success) throw validationError(result.error);
  return result.data;
}
