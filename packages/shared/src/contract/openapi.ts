import { stringify } from 'yaml';
import { z } from 'zod';
import { ERRORS, type ErrorKind } from './errors';
import { OPERATIONS, type Operation } from './operations';
import { queryParameterShapes } from './query';
import { LUNA_REQUEST_ID_PATTERN } from './request-id';
import { API_VERSION, healthFailure } from './service';
import { statusEvent } from './events';
import { groupObject } from './groups';
import { streamInput, streamObject } from './streams';
import { deliveryObject, webhookMessage, webhookObject } from './webhooks';

// Builds the OpenAPI 3.1 document from the operations table and the zod schemas
// (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).

type Json = Record<string, unknown>;

// Large shapes appear once, under components, and are referenced everywhere else.
const COMPONENTS: [z.ZodType, string, 'input' | 'output'][] = [
  [streamObject, 'Stream', 'output'],
  [streamInput, 'StreamInput', 'input'],
  [groupObject, 'Group', 'output'],
  [statusEvent, 'StatusEvent', 'output'],
  [webhookObject, 'Webhook', 'output'],
  [deliveryObject, 'WebhookDelivery', 'output'],
  [webhookMessage, 'WebhookMessage', 'output'],
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output', top?: z.ZodType): Json {
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

function queryParameters(query: z.ZodObject): Json[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const shape = queryParameterShapes.get(unwrap(field as z.ZodType));
    const schema = shape ? jsonSchema(shape.schema, 'output') : { type: 'string' };
    const required = !(field instanceof z.ZodOptional || field instanceof z.ZodDefault);
    if (field instanceof z.ZodDefault) schema.default = (field.def as { defaultValue: unknown }).defaultValue;
    return {
      name,
      in: 'query',
      required,
      schema,
      ...(shape?.list ? { style: 'form', explode: false, description: 'comma-separated list' } : {}),
    };
  });
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: {
      type: 'string',
      format: 'uuid',
      pattern: '^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$',
    },
  }));
}

function errorResponses(kinds: ErrorKind[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorKind[]>();
  for (const kind of new Set<ErrorKind>([...kinds, 'INTERNAL'])) {
    const status = ERRORS[kind].http;
    byStatus.set(status, [...(byStatus.get(status) ?? []), kind]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((k) => `${ERRORS[k].code} ${ERRORS[k].desc}`).join('; '),
        headers: {
          'Luna-Request-Id': { $ref: '#/components/headers/LunaRequestId' },
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

const LAST_EVENT_ID: Json = {
  name: 'Last-Event-ID',
  in: 'header',
  required: false,
  description: 'resume after this seq (browsers send it when they reconnect); wins over last_event_id',
  schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
};

function operationObject(op: Operation): Json {
  const success: Json = {
    description: op.success.description,
    headers: { 'Luna-Request-Id': { $ref: '#/components/headers/LunaRequestId' } },
  };
  if (op.success.schema) {
    success.content = {
      'application/json': {
        schema: jsonSchema(op.success.schema, 'output'),
        ...(op.examples?.response !== undefined ? { example: op.examples.response } : {}),
      },
    };
  }
  if (op.success.contentType === 'text/event-stream') {
    // OpenAPI 3.1 cannot type the events of a stream: the text is a string, the data of
    // its status events the StatusEvent schema.
    success.content = {
      'text/event-stream': {
        schema: { type: 'string', description: 'events whose data is a StatusEvent (components/schemas)' },
        example: 'retry: 2000\n\nid: 42\nevent: status\ndata: {"seq":42,"stream_id":"...","status":"done"}\n\n',
      },
    };
  } else if (op.success.contentType)
    success.content = {
      [op.success.contentType]: { schema: { type: 'string' } },
      'text/html': { schema: { type: 'string' } },
    };
  if (op.success.status === 302)
    success.headers = { ...(success.headers as Json), Location: { schema: { type: 'string' } } };
  const responses: Json = { [String(op.success.status)]: success, ...errorResponses(op.errors) };
  if (op.path === '/healthcheck') {
    responses['502'] = {
      description: 'PostgreSQL does not answer',
      content: { 'application/json': { schema: jsonSchema(healthFailure, 'output') } },
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    parameters: [
      ...pathParameters(op.path),
      ...(op.query ? queryParameters(op.query) : []),
      ...(op.success.contentType === 'text/event-stream' ? [LAST_EVENT_ID] : []),
      { $ref: '#/components/parameters/LunaRequestId' },
    ],
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: jsonSchema(op.body, 'input'),
                ...(op.examples?.request !== undefined ? { example: op.examples.request } : {}),
              },
            },
          },
        }
      : {}),
    responses,
    ...(op.alsoOnWorker
      ? { description: 'Also served by the worker (WORKER_PORT), where agents at scale should post.' }
      : op.description
        ? { description: op.description }
        : {}),
  };
}

/** What the service POSTs to a webhook's url (OpenAPI 3.1 `webhooks`). */
const WEBHOOK_MESSAGES: Json = {
  'stream.status': {
    post: {
      operationId: 'streamStatusMessage',
      summary: 'a stream log row, POSTed to a webhook',
      description:
        'Signed as Standard Webhooks specifies: webhook-id (the delivery id, the same on every attempt), ' +
        'webhook-timestamp, webhook-signature (v1,<base64 HMAC-SHA256>; two, space-separated, for 24 hours after a ' +
        'rotation). A 2xx answer delivers it, 410 disables the webhook, anything else is retried.',
      tags: ['webhooks'],
      parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
        name,
        in: 'header',
        required: true,
        schema: { type: 'string' },
      })),
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookMessage' } } },
      },
      responses: { '200': { description: 'any 2xx: delivered' }, '410': { description: 'disable the webhook' } },
    },
  },
};

let built: Json | undefined;

export function buildOpenApiDocument(): Json {
  built ??= build();
  return built;
}

function build(): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) {
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: operationObject(op) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Luna-Streams API',
      version: `v.${API_VERSION.major}.${API_VERSION.minor}.${API_VERSION.patch}`,
      description:
        'Video streams, the processing queue agents take work from, their feedback, status logs and groups. ' +
        'Every error is {error_code, desc, detail}; every response carries Luna-Request-Id.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:5160', description: 'API (the worker serves feedback on 5161)' }],
    tags: ['streams', 'queue', 'logs', 'groups', 'webhooks', 'service', 'docs'].map((name) => ({ name })),
    paths,
    webhooks: WEBHOOK_MESSAGES,
    components: {
      schemas: {
        ...Object.fromEntries(COMPONENTS.map(([schema, name, io]) => [name, jsonSchema(schema, io, schema)])),
        Error: {
          type: 'object',
          required: ['error_code', 'desc', 'detail'],
          properties: { error_code: { type: 'integer' }, desc: { type: 'string' }, detail: { type: 'string' } },
        },
      },
      parameters: {
        LunaRequestId: {
          name: 'Luna-Request-Id',
          in: 'header',
          required: false,
          description:
            'external request id "timestamp,uuid"; made by the service when absent, returned on every response',
          schema: { type: 'string', pattern: LUNA_REQUEST_ID_PATTERN.source },
        },
      },
      headers: {
        LunaRequestId: {
          description: 'the request id',
          schema: { type: 'string', pattern: LUNA_REQUEST_ID_PATTERN.source },
        },
      },
    },
  };
}

/** The document as YAML, as /docs/spec serves it and docs/openapi.yaml holds it. */
export function openApiYaml(): string {
  return stringify(buildOpenApiDocument(), { lineWidth: 0 });
}
