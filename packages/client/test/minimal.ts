import type { OpenApiValidator } from '../../../test/support/openapi-validator';

type Json = Record<string, unknown>;

/**
 * The least of `example` that the schema at `pointer` still requires: required properties only,
 * recursively, following $ref and, for anyOf/oneOf, the branch the example matches.
 */
export function minimalInstance(validator: OpenApiValidator, pointer: string, example: unknown): unknown {
  const schema = pointer
    .split('/')
    .slice(1)
    .reduce<Json>((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, validator.doc);
  return reduce(validator, schema, example, pointer);
}

function reduce(validator: OpenApiValidator, schema: Json, value: unknown, pointer: string): unknown {
  const resolved = validator.resolve<Json>(schema);
  const at = typeof schema.$ref === 'string' ? (schema.$ref as string).slice(1) : pointer;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = resolved[key] as Json[] | undefined;
    if (!branches) continue;
    const index = branches.findIndex((_b, i) => validator.validate(`${at}/${key}/${i}`, value) === '');
    if (index >= 0) return reduce(validator, branches[index]!, value, `${at}/${key}/${index}`);
  }
  if (Array.isArray(value)) {
    const items = resolved.items as Json | undefined;
    return items ? value.map((v) => reduce(validator, items, v, `${at}/items`)) : value;
  }
  if (value === null || typeof value !== 'object' || !resolved.properties) return value;
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  const out: Json = {};
  for (const [name, inner] of Object.entries(value as Json)) {
    if (!required.has(name)) continue;
    out[name] = reduce(validator, (resolved.properties as Json)[name] as Json, inner, `${at}/properties/${name}`);
  }
  // A body that needs at least one field (PATCH) keeps the example's first ones.
  const least = (resolved.minProperties as number | undefined) ?? 0;
  for (const [name, inner] of Object.entries(value as Json)) {
    if (Object.keys(out).length >= least) break;
    out[name] ??= reduce(validator, (resolved.properties as Json)[name] as Json, inner, `${at}/properties/${name}`);
  }
  return out;
}
