import { defineConfig } from 'prisma/config';

// Prisma 7 reads its settings from here and does not load .env. The URL is only
// needed by commands that talk to a database; `prisma generate` runs without it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
