import { z } from 'zod';
import { errors } from './errors';

// Query parameters (spec 1.4): lists are comma-separated, a bad value is 12012 naming the
// parameter, a missing required one is 12014. Express's parser turns a repeated parameter
// into an array: a repeated single-valued parameter is therefore a bad value, while a
// repeated list parameter simply adds items. Unknown parameters are ignored.

const MAX_LIST_ITEMS = 1000;

/** What each query parameter really is, for the OpenAPI document (the parsers take strings). */
export const queryParameterShapes = new WeakMap<z.ZodType, { list: boolean; schema: z.ZodType }>();

function described<T extends z.ZodType>(parser: T, list: boolean, schema: z.ZodType): T {
  queryParameterShapes.set(parser, { list, schema });
  return parser;
}

export const query = {
  one: <T extends z.ZodType<unknown, string>>(schema: T) => described(z.string().pipe(schema), false, schema),
  int: <T extends z.ZodType<unknown, number>>(schema: T) =>
    described(
      z
        .string()
        .regex(/^[0-9]{1,12}$/)
        .transform(Number)
        .pipe(schema),
      false,
      schema,
    ),
  list: <T extends z.ZodType<unknown, string>>(item: T) =>
    described(
      z
        .union([z.string(), z.array(z.string())])
        .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')))
        .pipe(z.array(item).max(MAX_LIST_ITEMS)),
      true,
      z.array(item).max(MAX_LIST_ITEMS),
    ),
};

export function parseQuery<T extends z.ZodObject>(schema: T, raw: unknown): z.output<T> {
  const input = (raw ?? {}) as Record<string, unknown>;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? '');
  throw input[name] === undefined ? errors.requiredQuery(name) : errors.badQuery(name);
}
