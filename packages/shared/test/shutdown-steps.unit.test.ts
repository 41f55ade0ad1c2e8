import { createLogger } from '../src/log';
import { Shutdown } from '../src/http/shutdown';

// Every shutdown step has a deadline (docs/dev/operations.md, Shutdown): a step that never
// ends (a close waiting on a server that is away) is left at its deadline, the steps after
// it still run, and the shutdown completes.

it('leaves a step that hangs at its deadline and runs the next ones', async () => {
  const shutdown = new Shutdown(createLogger({ level: 'silent', name: 'test', pretty: false }));
  const ran: string[] = [];
  shutdown.add('hangs', () => new Promise(() => undefined), 200);
  shutdown.add('after', async () => {
    ran.push('after');
  });
  const started = Date.now();
  await shutdown.run('test');
  const ms = Date.now() - started;
  expect(ran).toEqual(['after']);
  expect(ms).toBeGreaterThanOrEqual(190);
  expect(ms).toBeLessThan(2000);
});
