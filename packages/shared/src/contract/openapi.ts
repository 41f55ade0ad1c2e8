import { stringify } from 'yaml';
import { OPERATIONS, type Operation } from './operations';
import { OPERATION_DESCRIPTIONS, TAG_DESCRIPTIONS } from './openapi-docs';
import { OPERATION_EXAMPLES } from './openapi-examples';
import {
  COMPONENTS,
  errorResponses,
  jsonSchema,
  pathParameters,
  queryParameters,
  SUCCESS_HEADERS,
  type Json,
} from './openapi-parts';
import { LUNA_REQUEST_ID_PATTERN } from './request-id';
import { API_VERSION, healthFailure } from './service';

// Builds the OpenAPI 3.1 document from the operations table and the zod schemas
// (JSON Schema 2020-12, which OpenAPI 3.1 uses as is, declared as jsonSchemaDialect so
// that tools do not fall back to draft-07 and misread prefixItems).

export const API_SERVER = { url: 'http://127.0.0.1:5160', description: 'the API (PORT)' };
export const WORKER_SERVER = {
  url: 'http://127.0.0.1:5161',
  description: 'the worker (WORKER_PORT): feedback, health and metrics only',
};

const LAST_EVENT_ID: Json = {
  name: 'Last-Event-ID',
  in: 'header',
  required: false,
  description: 'resume after this seq (browsers send it when they reconnect); wins over last_event_id',
  schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
  example: '42',
};

const WEBHOOK_HEADERS: [string, string, string][] = [
  ['webhook-id', 'the delivery id, the same on every attempt of one message', 'a7d3c2e1-6b5f-4e8d-9c0a-1b2c3d4e5f60'],
  ['webhook-timestamp', 'unix seconds when this attempt was signed', '1796206849'],
  [
    'webhook-signature',
    'v1,<base64 HMAC-SHA256 of id.timestamp.body>; two, space-separated, after a rotation',
    'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  ],
];

const textTypes = (contentType: string | string[] | undefined): string[] =>
  contentType === undefined ? [] : Array.isArray(contentType) ? contentType : [contentType];

/** An operation's examples: its own, or those of openapi-examples.ts. */
const examplesOf = (op: Operation) => op.examples ?? OPERATION_EXAMPLES[op.operationId] ?? {};

function successResponse(op: Operation): Json {
  const example = examplesOf(op).response;
  const success: Json = { description: op.success.description, headers: { ...SUCCESS_HEADERS } };
  const content: Json = {};
  if (op.success.contentType === 'text/event-stream') {
    // OpenAPI 3.1 cannot type the events of a stream: the text is a string, the data of
    // its status events the StatusEvent schema.
    content['text/event-stream'] = {
      schema: { type: 'string', description: 'events whose data is a StatusEvent (components/schemas)' },
      ...(example === undefined ? {} : { example }),
    };
  } else {
    if (op.success.schema) {
      content['application/json'] = {
        schema: jsonSchema(op.success.schema, 'output'),
        ...(example === undefined ? {} : { example }),
      };
    }
    textTypes(op.success.contentType).forEach((type, i) => {
      // A text-only answer shows its example under its first media type.
      const shown = i === 0 && op.success.schema === undefined && typeof example === 'string';
      content[type] = { schema: { type: 'string' }, ...(shown ? { example } : {}) };
    });
  }
  if (Object.keys(content).length > 0) success.content = content;
  if (op.success.status === 302) {
    success.headers = {
      ...(success.headers as Json),
      Location: { description: 'where the manual starts', required: true, schema: { type: 'string' } },
    };
  }
  return success;
}

function operationObject(op: Operation): Json {
  const responses: Json = {
    [String(op.success.status)]: successResponse(op),
    ...errorResponses(op.admin ? [...op.errors, 'UNAUTHORIZED'] : op.errors),
  };
  if (op.path === '/healthcheck') {
    responses['502'] = {
      description: 'PostgreSQL does not answer',
      headers: { ...SUCCESS_HEADERS },
      content: { 'application/json': { schema: jsonSchema(healthFailure, 'output') } },
    };
  }
  const request = examplesOf(op).request;
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description ?? OPERATION_DESCRIPTIONS[op.operationId],
    tags: [op.tag],
    ...(op.alsoOnWorker ? { servers: [API_SERVER, WORKER_SERVER] } : {}),
    security: op.admin ? [{ adminToken: [] }] : [],
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
                ...(request === undefined ? {} : { example: request }),
              },
            },
          },
        }
      : {}),
    responses,
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
      // Sent by the service, not called on it: the receiver checks the signature instead.
      security: [],
      parameters: WEBHOOK_HEADERS.map(([name, description, example]) => ({
        name,
        in: 'header',
        required: true,
        description,
        schema: { type: 'string' },
        example,
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
  const tags = [...new Set(OPERATIONS.map((op) => op.tag))];
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Luna-Streams API',
      version: `v.${API_VERSION.major}.${API_VERSION.minor}.${API_VERSION.patch}`,
      description:
        'Video streams, the processing queue agents take work from, their feedback, status logs and groups. ' +
        'Every error is {error_code, desc, detail}; every response carries Luna-Request-Id. The worker serves ' +
        'the operations that list it as a server.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [API_SERVER],
    tags: tags.map((name) => ({ name, description: TAG_DESCRIPTIONS[name] })),
    paths,
    webhooks: WEBHOOK_MESSAGES,
    components: {
      schemas: {
        ...Object.fromEntries(
          COMPONENTS.map(([schema, name, io, description]) => [
            name,
            { description, ...jsonSchema(schema, io, schema) },
          ]),
        ),
        Error: {
          type: 'object',
          description: 'Every error answer: a code, the class of the error, and what exactly went wrong.',
          required: ['error_code', 'desc', 'detail'],
          properties: {
            error_code: { type: 'integer', description: 'the Luna error code (the error table of the spec)' },
            desc: { type: 'string', description: 'the class of the error, the same for every error of the code' },
            detail: { type: 'string', description: 'what exactly went wrong with this request' },
          },
        },
      },
      parameters: {
        LunaRequestId: {
          name: 'Luna-Request-Id',
          in: 'header',
          required: false,
          description:
            'An id for this request, "unix seconds,uuid", written to the service log lines of the request and ' +
            'returned on its answer. The service makes one when it is absent; a malformed one is answered 400 12012.',
          schema: { type: 'string', pattern: LUNA_REQUEST_ID_PATTERN.source },
          example: '1536751345,8b8b5937-2e9c-4e8b-a7a7-5caf86621b5a',
        },
      },
      headers: {
        LunaRequestId: {
          description: "the request's id: the one the client sent, or the one the service made",
          required: true,
          schema: { type: 'string', pattern: LUNA_REQUEST_ID_PATTERN.source },
        },
      },
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'ADMIN_TOKEN, when the service runs with one (Authorization: Bearer <token>); without it these ' +
            'operations are open.',
        },
      },
    },
  };
}

/** The document as YAML, as /docs/spec serves it and docs/openapi.yaml holds it. */
export function openApiYaml(): string {
  // No anchors and aliases: every tool reads the document as plain YAML.
  return stringify(buildOpenApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false });
}
