// Where the create and edit forms show an API error: validation details name a path
// ("Failed to validate input json. Path: 'event_handler.origin', message: '...'").

export interface LunaError {
  error_code: number;
  desc: string;
  detail: string;
}

const PATH = /Path: '([^']*)', message: '(.*)'$/s;
const REQUIRED = /^'([^']+)' is a required property/;

// Errors that are not validation errors but belong to one field.
const FIELD_OF_CODE: Record<number, string> = { 39007: 'group_name' };

/** The dotted path of the field an error is about, or undefined when it names none. */
export function errorPath(error: LunaError): string | undefined {
  const byCode = FIELD_OF_CODE[error.error_code];
  if (byCode) return byCode;
  const match = PATH.exec(error.detail);
  if (!match) return undefined;
  const [, path = '', message = ''] = match;
  const required = REQUIRED.exec(message);
  if (required) return path ? `${path}.${required[1]}` : required[1];
  return path || undefined;
}

/**
 * The form field that shows the error: the longest of `fields` that is the error's path or
 * a parent of it; undefined when none is (the JSON editor shows it then).
 */
export function fieldForError(error: LunaError, fields: readonly string[]): string | undefined {
  const path = errorPath(error);
  if (path === undefined) return undefined;
  let best: string | undefined;
  for (const field of fields) {
    const covers = path === field || path.startsWith(`${field}.`);
    if (covers && (best === undefined || field.length > best.length)) best = field;
  }
  return best;
}

/** One line for a Luna error: code, description and detail. */
export function describeError(error: LunaError): string {
  return `${error.error_code} ${error.desc}${error.detail && error.detail !== error.desc ? `: ${error.detail}` : ''}`;
}
