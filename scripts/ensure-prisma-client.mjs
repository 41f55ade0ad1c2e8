// Generates the Prisma client into packages/shared/src/store/generated when it
// is missing or older than the schema (or always with --force). The generated
// client is never committed. `prisma generate` needs no database and no
// download; it only insists that PRISMA_SCHEMA_ENGINE_BINARY names a file.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = join(root, 'prisma', 'schema.prisma');
const marker = join(root, 'packages', 'shared', 'src', 'store', 'generated', 'client.ts');

const force = process.argv.includes('--force');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(schema).mtimeMs;
if (force || stale) {
  const cli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
  execFileSync(process.execPath, [cli, 'generate'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
}
