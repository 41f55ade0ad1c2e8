import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { OpenApiValidator } from '../../../test/support/openapi-validator';
import { minimalInstance } from './minimal';

// The generated types: up to date with docs/openapi.yaml, compiling a minimal request for every
// operation of the document (only what it requires), and refusing wrong bodies and misspelt
// filters (types/usage.ts).

const ROOT = join(__dirname, '..', '..', '..');
const validator = new OpenApiValidator();
type Json = Record<string, unknown>;

function minimalRequests(): string {
  const lines = [`import type { paths } from ${JSON.stringify(join(ROOT, 'packages/client/src/generated/openapi'))};`];
  let n = 0;
  for (const [path, item] of Object.entries(validator.doc.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      const op = operation as Json;
      const at = `/paths/${path.replace(/\//g, '~1')}/${method}`;
      const params: Record<string, Json> = {};
      for (const parameter of (op.parameters as Json[]).map((p) => validator.resolve(p))) {
        if (!parameter.required || parameter.in === 'header') continue;
        (params[parameter.in as string] ??= {})[parameter.name as string] = parameter.example;
      }
      const type = `paths[${JSON.stringify(path)}][${JSON.stringify(method)}]`;
      lines.push(`export const params${n}: ${type}['parameters'] = ${JSON.stringify(params)};`);
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      if (body) {
        const schemaAt = `${at}/requestBody/content/application~1json/schema`;
        const minimal = minimalInstance(validator, schemaAt, body['application/json']!.example);
        // The minimal body is one the document allows...
        expect({ operation: op.operationId, problems: validator.validate(schemaAt, minimal) }).toEqual({
          operation: op.operationId,
          problems: '',
        });
        // ...and one the types accept.
        lines.push(
          `export const body${n}: NonNullable<${type}['requestBody']>['content']['application/json'] = ${JSON.stringify(minimal)};`,
        );
      }
      n++;
    }
  }
  return lines.join('\n');
}

describe('the generated client types', () => {
  it('are up to date with docs/openapi.yaml (npm run generate -w @luna-streams/client)', () => {
    execFileSync(process.execPath, [join(ROOT, 'packages/client/scripts/generate-types.mjs'), '--check'], {
      stdio: 'pipe',
    });
  });

  it('compile a minimal request of every operation, and refuse wrong bodies and misspelt filters', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'luna-types-')), 'minimal.ts');
    writeFileSync(file, minimalRequests());
    const program = ts.createProgram([file, join(__dirname, 'types', 'usage.ts')], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      baseUrl: ROOT,
      paths: { '@luna-streams/client': ['packages/client/src/index.ts'] },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);
  });
});
