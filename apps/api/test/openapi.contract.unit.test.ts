import { buildOpenApiDocument } from '@luna-streams/shared';
import { OpenApiValidator } from '../../../test/support/openapi-validator';

// What other people's tools need from the document, checked over whatever operations it has:
// the schema dialect, words for every operation, tag, parameter and property, examples that
// match their schemas, the request id on every answer, and the admin token where it guards.

type Json = Record<string, unknown>;
const doc = buildOpenApiDocument();
const validator = new OpenApiValidator(doc);
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
    .map(([method, op]) => ({ path, method, op: op as Json, at: `/paths/${escape(path)}/${method}` })),
);
const named = operations.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o] as const);

/** Every schema property of the document without a description, as JSON pointers. */
function undescribed(node: unknown, at: string, found: string[]) {
  if (Array.isArray(node)) node.forEach((item, i) => undescribed(item, `${at}/${i}`, found));
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const object = node as Json;
  if (object.properties && typeof object.properties === 'object' && object.type === 'object') {
    for (const [name, property] of Object.entries(object.properties as Json)) {
      const p = property as Json;
      const described = typeof p.description === 'string' && p.description.length > 0;
      if (!described && !(p.$ref && validator.resolve<Json>(p).description)) found.push(`${at}/properties/${name}`);
    }
  }
  for (const [key, value] of Object.entries(object))
    if (key !== 'example' && key !== 'examples') undescribed(value, `${at}/${key}`, found);
}

describe('the OpenAPI document for other tools', () => {
  it('declares JSON Schema 2020-12 as its dialect, so prefixItems tuples are read as such', () => {
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    // A tuple validates as a tuple: four integers, not any array.
    const roi = '/components/schemas/Stream/properties/data';
    expect(
      validator.validate(roi, { type: 'tcp', reference: 'x', roi: [0, 0, 1, 1], droi: [0, 0, 0, 0], rotation: 0 }),
    ).toBe('');
    expect(
      validator.validate(roi, { type: 'tcp', reference: 'x', roi: [0, 0, 1], droi: [0, 0, 0, 0], rotation: 0 }),
    ).not.toBe('');
  });

  it('describes every tag and every schema property', () => {
    for (const tag of doc.tags as Json[])
      expect({ tag: tag.name, described: Boolean(tag.description) }).toEqual({ tag: tag.name, described: true });
    const found: string[] = [];
    undescribed(doc, '#', found);
    expect(found).toEqual([]);
  });

  it.each(named)('%s: described, typed parameters with examples, request id on every answer', (_name, { op }) => {
    expect(typeof op.description).toBe('string');
    expect(op.summary).toEqual(expect.any(String));
    expect(Array.isArray(op.security)).toBe(true);
    for (const parameter of (op.parameters as Json[]).map((p) => validator.resolve(p))) {
      const schema = parameter.schema as Json;
      expect({ name: parameter.name, description: typeof parameter.description, type: typeof schema.type }).toEqual({
        name: parameter.name,
        description: 'string',
        type: 'string',
      });
      expect({ name: parameter.name, example: parameter.example !== undefined }).toEqual({
        name: parameter.name,
        example: true,
      });
    }
    for (const [status, response] of Object.entries(op.responses as Json)) {
      const headers = (validator.resolve(response).headers ?? {}) as Json;
      const id = validator.resolve(headers['Luna-Request-Id']);
      expect({ status, required: id.required }).toEqual({ status, required: true });
    }
  });

  it.each(named)('%s: its examples match their schemas', (_name, { op, at }) => {
    const body = (op.requestBody as Json | undefined)?.content as Json | undefined;
    if (body) {
      const media = body['application/json'] as Json;
      expect(media.example).toBeDefined();
      expect(validator.validate(`${at}/requestBody/content/application~1json/schema`, media.example)).toBe('');
    }
    for (const [index, parameter] of (op.parameters as Json[]).entries()) {
      const resolved = validator.resolve(parameter);
      const pointer = parameter.$ref
        ? `${(parameter.$ref as string).slice(1)}/schema`
        : `${at}/parameters/${index}/schema`;
      expect({ name: resolved.name, problems: validator.validate(pointer, resolved.example) }).toEqual({
        name: resolved.name,
        problems: '',
      });
    }
    const success = Object.entries(op.responses as Json).find(([status]) => status.startsWith('2'));
    if (!success) return; // GET /docs/dev: a redirect, no body
    const content = (success[1] as Json).content as Record<string, Json> | undefined;
    if (!content) return; // 204: nothing to show
    const [type, media] = Object.entries(content)[0]!;
    expect({ type, example: media.example !== undefined }).toEqual({ type, example: true });
    if (type === 'application/json') {
      expect(validator.validate(`${at}/responses/${success[0]}/content/application~1json/schema`, media.example)).toBe(
        '',
      );
    }
  });

  it('guards the admin operations with a bearer scheme and documents their 401', () => {
    const schemes = (doc.components as Json).securitySchemes as Json;
    expect(schemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    const guarded = operations.filter((o) => (o.op.security as Json[]).length > 0).map((o) => `${o.method} ${o.path}`);
    expect(guarded.sort()).toEqual(['get /1/config', 'get /metrics']);
    for (const o of operations) {
      const has401 = '401' in (o.op.responses as Json);
      expect({ operation: `${o.method} ${o.path}`, has401 }).toEqual({
        operation: `${o.method} ${o.path}`,
        has401: guarded.includes(`${o.method} ${o.path}`),
      });
    }
  });

  it("lists the worker as a server of the worker's operations", () => {
    const onWorker = operations
      .filter((o) => (o.op.servers as Json[] | undefined)?.some((s) => String(s.url).endsWith(':5161')))
      .map((o) => `${o.method} ${o.path}`);
    expect(onWorker.sort()).toEqual(['get /healthcheck', 'get /metrics', 'post /1/streams/feedback']);
  });
});
