// `npm run docs`: writes the OpenAPI document, built from the zod contract, to docs/openapi.yaml.
// A test fails when the committed file differs from what this would write.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiYaml } from '../packages/shared/src';

const file = join(__dirname, '..', 'docs', 'openapi.yaml');
writeFileSync(file, openApiYaml());
process.stdout.write(`wrote ${file}\n`);
