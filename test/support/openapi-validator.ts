import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../packages/shared/src';

// A validator built from the OpenAPI document, as a validation proxy would use it: which
// operation a request reached, whether its answer's status, headers and body are what the
// document says, and whether a value matches a schema of the document. JSON Schema 2020-12
// (the document's jsonSchemaDialect), so prefixItems tuples are read as such.

type Json = Record<string, unknown>;

export interface Answer {
  method: string;
  /** The request path, without the query string. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiValidator {
  readonly doc: Json;
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly routes: { template: string; pattern: RegExp; literal: number }[];

  constructor(doc: Json = buildOpenApiDocument()) {
    this.doc = doc;
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi');
    // Literal segments win over parameters (/1/streams/count before /1/streams/{stream_id}).
    this.routes = Object.keys(doc.paths as Json)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
        literal: template.split('/').filter((s) => !s.startsWith('{')).length,
      }))
      .sort((a, b) => b.literal - a.literal);
  }

  /** The documented operation a request reached, if any. */
  operation(method: string, path: string): { template: string; method: string; op: Json } | undefined {
    const lower = method.toLowerCase();
    for (const route of this.routes) {
      if (!route.pattern.test(path)) continue;
      const op = (this.doc.paths as Record<string, Json>)[route.template]![lower] as Json | undefined;
      return op ? { template: route.template, method: lower, op } : undefined;
    }
    return undefined;
  }

  /** Follows a local $ref. */
  resolve<T = Json>(value: unknown): T {
    let current = value as Json;
    while (current && typeof current.$ref === 'string') {
      const pointer = (current.$ref as string).replace(/^#\//, '').split('/');
      current = pointer.reduce<Json>(
        (node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json,
        this.doc,
      );
    }
    return current as T;
  }

  /** Problems of `value` against the schema at a JSON pointer of the document ("" when it matches). */
  validate(pointer: string, value: unknown): string {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(value)) return '';
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
  }

  /** What about an answer differs from the document; [] when it matches or reached no operation. */
  checkAnswer(answer: Answer): string[] {
    const found = this.operation(answer.method, answer.path);
    if (!found) return [];
    const where = `${found.method.toUpperCase()} ${found.template} → ${answer.status}`;
    const responses = found.op.responses as Json;
    if (!(String(answer.status) in responses)) return [`${where}: status not documented`];
    const response = this.resolve(responses[String(answer.status)]);
    const problems: string[] = [];
    const header = (name: string) => {
      const value = answer.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
    };
    for (const [name, spec] of Object.entries((response.headers ?? {}) as Json)) {
      const definition = this.resolve<{ required?: boolean; schema?: Json }>(spec);
      const value = header(name);
      if (value === undefined) {
        if (definition.required) problems.push(`${where}: header ${name} missing`);
        continue;
      }
      const schema = definition.schema ?? {};
      if (schema.type === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
        problems.push(`${where}: header ${name} "${value}" does not match ${schema.pattern}`);
      }
    }
    const content = response.content as Json | undefined;
    const type = header('content-type')?.split(';')[0]?.trim();
    if (!content) {
      if (answer.body.length > 0) problems.push(`${where}: a body where the document has none`);
      return problems;
    }
    if (!type || !(type in content)) return [...problems, `${where}: content type ${type} not documented`];
    if (type !== 'application/json') return problems;
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      return [...problems, `${where}: body is not JSON`];
    }
    const pointer = ['', 'paths', escape(found.template), found.method, 'responses', String(answer.status)];
    const schemaAt = (responses[String(answer.status)] as Json).$ref
      ? `${((responses[String(answer.status)] as Json).$ref as string).slice(1)}/content/application~1json/schema`
      : [...pointer, 'content', 'application~1json', 'schema'].join('/');
    const invalid = this.validate(schemaAt, body);
    if (invalid) problems.push(`${where}: ${invalid}`);
    return problems;
  }
}

let shared: OpenApiValidator | undefined;
/** One validator per jest worker: compiling the document's schemas once. */
export function openApiValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator();
  return shared;
}
