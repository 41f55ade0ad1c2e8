import { z } from 'zod';
import { ERRORS, type ErrorKind } from './errors';
import { PARAMETER_DESCRIPTIONS, PATH_PARAMETER_DESCRIPTIONS } from './openapi-docs';
import { PARAMETER_EXAMPLES } from './openapi-examples';
import { queryParameterShapes } from './query';
import { statusEvent } from './events';
import { groupObject } from './groups';
import { streamInput, streamObject } from './streams';
import { deliveryObject, webhookMessage, webhookObject } from './webhooks';

// The pieces of the OpenAPI document built from zod schemas: schemas, parameters, error answers.

export type Json = Record<string, unknown>;

// Large shapes appear once, under components, and are referenced everywhere else.
export const COMPONENTS: [z.ZodType, string, 'input' | 'output', string][] = [
  [streamObject, 'Stream', 'output', 'A stream as the service stores it, every setting filled in.'],
  [streamInput, 'StreamInput', 'input', 'The settings of a stream, as create and put take them.'],
  [groupObject, 'Group', 'output', 'A named group of streams within an account.'],
  [statusEvent, 'StatusEvent', 'output', 'One status log record, as the live feed sends it.'],
  [webhookObject, 'Webhook', 'output', "A webhook: where an account's stream log rows are POSTed, and which."],
  [deliveryObject, 'WebhookDelivery', 'output', 'One message of a webhook and how its delivery goes.'],
  [webhookMessage, 'WebhookMessage', 'output', 'What the service POSTs to a webhook: one stream log row.'],
];

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output', top?: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
    override: ({ zodSchema, jsonSchema: out }) => {
      const target = zodSchema as unknown;
      const component = COMPONENTS.find(([s, , side]) => s === target && side === io);
      if (!component || target === top) return;
      for (const key of Object.keys(out)) delete (out as Json)[key];
      (out as Json).$ref = `#/components/schemas/${component[1]}`;
    },
  }) as Json;
  return rest;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** A parameter's schema always names its type (a time's transform leaves only its format). */
function typed(schema: Json): Json {
  return schema.type === undefined && schema.$ref === undefined && schema.anyOf === undefined
    ? { type: 'string', ...schema }
    : schema;
}

export function queryParameters(query: z.ZodObject): Json[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const shape = queryParameterShapes.get(unwrap(field as z.ZodType));
    const schema = typed(shape ? jsonSchema(shape.schema, 'output') : { type: 'string' });
    const required = !(field instanceof z.ZodOptional || field instanceof z.ZodDefault);
    if (field instanceof z.ZodDefault) schema.default = (field.def as { defaultValue: unknown }).defaultValue;
    const own = (field as z.ZodType).description;
    const description = own ?? PARAMETER_DESCRIPTIONS[name];
    return {
      name,
      in: 'query',
      required,
      ...(description ? { description } : {}),
      schema,
      ...(shape?.list ? { style: 'form', explode: false } : {}),
      ...(name in PARAMETER_EXAMPLES ? { example: PARAMETER_EXAMPLES[name] } : {}),
    };
  });
}

export function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    ...(PATH_PARAMETER_DESCRIPTIONS[name!] ? { description: PATH_PARAMETER_DESCRIPTIONS[name!] } : {}),
    schema: {
      type: 'string',
      format: 'uuid',
      pattern: '^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$',
    },
    ...(name! in PARAMETER_EXAMPLES ? { example: PARAMETER_EXAMPLES[name!] } : {}),
  }));
}

const REQUEST_ID_HEADER = { 'Luna-Request-Id': { $ref: '#/components/headers/LunaRequestId' } };

export function errorResponses(kinds: ErrorKind[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorKind[]>();
  // Every operation: a malformed Luna-Request-Id header is 12012, and anything may be a 500.
  for (const kind of new Set<ErrorKind>([...kinds, 'BAD_QUERY', 'INTERNAL'])) {
    const status = ERRORS[kind].http;
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((k) => `${ERRORS[k].code} ${ERRORS[k].desc}`).join('; '),
        headers: {
          ...REQUEST_ID_HEADER,
          ...(list.includes('OVERLOADED')
            ? {
                'Retry-After': {
                  description: `with ${ERRORS.OVERLOADED.code}: seconds to wait before trying again`,
                  schema: { type: 'integer' },
                },
              }
            : {}),
        },
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/Error' },
            examples: Object.fromEntries(
              list.map((k) => [
                String(ERRORS[k].code),
                { value: { error_code: ERRORS[k].code, desc: ERRORS[k].desc, detail: '...' } },
              ]),
            ),
          },
        },
      },
    ]),
  );
}

export const SUCCESS_HEADERS = REQUEST_ID_HEADER;
