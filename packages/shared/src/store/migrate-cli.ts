import { loadConfigOrExit } from '../config';
import { migrate } from './migrator';

// `npm run migrate`: applies pending migrations to DATABASE_URL and exits.
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const result = await migrate(config.DATABASE_URL, { log: (m) => process.stdout.write(`${m}\n`) });
  process.stdout.write(`${result.applied.length} applied, ${result.alreadyApplied} already applied\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
