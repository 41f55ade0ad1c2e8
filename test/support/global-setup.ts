import { spawn } from 'node:child_process';
import { join } from 'node:path';

// Without DATABASE_URL or REDIS_URL, the tests run on the embedded defaults: the same
// services.mjs that `npm start` uses starts an embedded PostgreSQL and a redis-server on
// ports of their own, and every test worker inherits their URLs.
export default async function globalSetup(): Promise<void> {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'scripts', 'services.mjs')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const urls = await new Promise<Record<string, string>>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n')) resolve(JSON.parse(line!) as Record<string, string>);
      });
      child.once('exit', (code) => reject(new Error(`the embedded services did not start (exit ${code})`)));
    });
    Object.assign(process.env, urls);
    (globalThis as { lunaServices?: typeof child }).lunaServices = child;
  }
  // Imported only now: it reads DATABASE_URL when loaded.
  const { ensureTemplate } = await import('./database');
  await ensureTemplate();
}
