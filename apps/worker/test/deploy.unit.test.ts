import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '@luna-streams/shared';

// The Grafana dashboard and the Prometheus configuration in deploy/ name only what the
// apps export.

const deploy = join(__dirname, '..', '..', '..', 'deploy');

async function exportedSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const app of ['api', 'worker'] as const) {
    for (const metric of await createMetrics(app).registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (metric.type === ('histogram' as never)) {
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
      }
    }
  }
  return names;
}

describe('deploy/', () => {
  it('has a Grafana dashboard whose every query names a series the apps export', async () => {
    const dashboard = JSON.parse(readFileSync(join(deploy, 'grafana', 'dashboards', 'luna-streams.json'), 'utf8'));
    const exported = await exportedSeries();
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(10);
    const functions = new Set([
      'sum',
      'by',
      'rate',
      'increase',
      'histogram_quantile',
      'le',
      'route',
      'status',
      'queue',
      'state',
      'instance',
      'app',
    ]);
    for (const expr of exprs) {
      const identifiers = expr.replace(/"[^"]*"/g, '').match(/[a-zA-Z_][a-zA-Z0-9_]*/g) ?? [];
      const series = identifiers.filter((id) => !functions.has(id) && !/^\d/.test(id) && !['m'].includes(id));
      expect(series.length).toBeGreaterThan(0);
      for (const name of series) expect(exported).toContain(name);
    }
    const titles = dashboard.panels.map((p: { title: string }) => p.title).join(' ');
    for (const series of [
      'queue_depth',
      'oldest_pending',
      'mirror_drift',
      'handler_lost',
      'autorestarts',
      'takes',
      'feedback',
    ]) {
      expect(exprs.join(' ')).toContain(`luna_streams_${series}`);
    }
    expect(titles).toContain('Queue depth');
  });

  it("has a Prometheus configuration that scrapes both apps on the compose file's management ports", () => {
    const config = parse(readFileSync(join(deploy, 'prometheus.yml'), 'utf8'));
    const targets = config.scrape_configs.flatMap((job: { static_configs: { targets: string[] }[] }) =>
      job.static_configs.flatMap((c) => c.targets),
    );
    const { api, worker } = parse(readFileSync(join(deploy, '..', 'docker-compose.yml'), 'utf8')).services;
    expect(targets).toEqual([
      `api:${api.environment.MANAGEMENT_PORT}`,
      `worker:${worker.environment.WORKER_MANAGEMENT_PORT}`,
    ]);
  });
});

describe('docker-compose.yml', () => {
  it('runs PostgreSQL 15, Redis with noeviction and AOF, both apps, Prometheus and Grafana with deploy/', () => {
    const compose = parse(readFileSync(join(deploy, '..', 'docker-compose.yml'), 'utf8'));
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'grafana',
      'postgres',
      'prometheus',
      'redis',
      'worker',
    ]);
    expect(compose.services.postgres.image).toBe('postgres:15');
    expect(compose.services.redis.command.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(compose.services.redis.command.join(' ')).toContain('--appendonly yes');
    expect(compose.services.api.command).toEqual(['node', 'apps/api/dist/main.js']);
    expect(compose.services.worker.environment.DATABASE_URL).toContain('@postgres:5432/');
    // Health checks ask the management ports (docs/dev/operations.md, Management port).
    const { api, worker } = compose.services;
    expect(api.healthcheck.test.join(' ')).toContain(`127.0.0.1:${api.environment.MANAGEMENT_PORT}/healthcheck`);
    expect(worker.healthcheck.test.join(' ')).toContain(
      `127.0.0.1:${worker.environment.WORKER_MANAGEMENT_PORT}/healthcheck`,
    );
    const mounts = [...compose.services.prometheus.volumes, ...compose.services.grafana.volumes].join(' ');
    expect(mounts).toContain('./deploy/prometheus.yml');
    expect(mounts).toContain('./deploy/grafana/dashboards');
  });

  it('ships the memory settings of runtime-env.json in the Dockerfile', () => {
    const runtime = JSON.parse(readFileSync(join(deploy, 'runtime-env.json'), 'utf8')) as Record<string, string>;
    const dockerfile = readFileSync(join(deploy, '..', 'Dockerfile'), 'utf8');
    const line = Object.entries(runtime)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    expect(dockerfile).toContain(`ENV ${line}\n`);
  });
});
