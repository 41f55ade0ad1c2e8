import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, SETTING_NAMES } from '@luna-streams/shared';
import { configView, SHOWN_AT } from '../src/config-view';

// GET /1/config shows "the settings in force" (spec 4.23): every setting has a place in the
// view, and every setting is in the settings tables users read.

const ROOT = join(__dirname, '..', '..', '..');

function at(view: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], view);
}

describe('the settings in force', () => {
  const base = {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/luna',
    ADMIN_TOKEN: 'a-token-of-the-operator',
    MANAGEMENT_PORT: '5162',
  };
  const view = configView(parseConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }));
  // Each Redis mode lists its own settings only.
  const views = [
    view,
    configView(
      parseConfig({ ...base, REDIS_CLUSTER_NODES: '10.0.0.1:7000', REDIS_USERNAME: 'u', REDIS_PASSWORD: 'p' }),
    ),
    configView(parseConfig({ ...base, REDIS_SENTINELS: '10.0.0.1:26379', REDIS_SENTINEL_MASTER: 'luna' })),
  ];

  it('gives every setting a place in GET /1/config, and the place is there', () => {
    expect(Object.keys(SHOWN_AT).sort()).toEqual([...SETTING_NAMES].sort());
    for (const [name, path] of Object.entries(SHOWN_AT)) {
      const shown = views.some((v) => at(v, path) !== undefined);
      expect({ name, shown }).toEqual({ name, shown: true });
    }
  });

  it('masks the admin token and shows unset optional settings as null', () => {
    expect(JSON.stringify(view)).not.toContain('a-token-of-the-operator');
    expect(at(view, SHOWN_AT.ADMIN_TOKEN)).toBe('***');
    expect(at(view, SHOWN_AT.MANAGEMENT_PORT)).toBe(5162);
    expect(at(view, SHOWN_AT.WORKER_MANAGEMENT_PORT)).toBeNull();
    expect(at(view, SHOWN_AT.STREAM_LOG_RETENTION_DAYS)).toBeNull();
  });

  it.each(['README.md', 'docs/dev/settings.md'])('lists every setting in the settings table of %s', (file) => {
    // The first cell of a table row names one setting or several (`REDIS_USERNAME`, `REDIS_PASSWORD`).
    const firstCells = readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|')[1]!);
    const missing = SETTING_NAMES.filter((name) => !firstCells.some((cell) => cell.includes(`\`${name}\``)));
    expect(missing).toEqual([]);
  });

  it("passes every setting through turbo's environment (a changed one reruns the tests)", () => {
    const turbo = readFileSync(join(ROOT, 'turbo.json'), 'utf8');
    expect(SETTING_NAMES.filter((name) => !turbo.includes(`"${name}"`))).toEqual([]);
  });
});
