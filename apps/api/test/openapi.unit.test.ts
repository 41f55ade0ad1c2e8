import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOpenApiDocument, openApiYaml } from '@luna-streams/shared';

// The document itself, built from the contract; the routes that serve it are in docs.test.ts.

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 according to a real validator', () => {
    // The validator is an ES module; it runs in a node of its own.
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(buildOpenApiDocument()));
    const script = `
      import { Validator } from '@seriousme/openapi-schema-validator';
      const validator = new Validator();
      const result = await validator.validate(${JSON.stringify(file)});
      console.log(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? [] }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(__dirname, '..', '..', '..'),
    });
    const result = JSON.parse(out.toString()) as { valid: boolean; version: string; errors: unknown[] };
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it("passes Redocly's recommended rules with no error or warning (redocly.yaml lists the rules turned off)", async () => {
    // The lint engine of Redocly CLI, on the committed document, with the repository's redocly.yaml.
    const { lint, loadConfig } = await import('@redocly/openapi-core');
    const root = join(__dirname, '..', '..', '..');
    const config = await loadConfig({ configPath: join(root, 'redocly.yaml') });
    const problems = (await lint({ ref: join(root, 'docs', 'openapi.yaml'), config }))
      // .redocly.lint-ignore.yaml: single findings accepted on purpose, each with its reason.
      .map((p) => config.styleguide.addProblemToIgnore(p))
      .filter((p) => !p.ignored);
    const lines = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`);
    expect(lines).toEqual([]);
  });

  it('is committed up to date in docs/openapi.yaml (npm run docs)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.yaml'), 'utf8');
    expect(committed).toBe(openApiYaml());
  });
});
