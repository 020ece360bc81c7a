// Prometheus metrics (prom-client) at GET /metrics: request durations by route pattern, method and status;
// every process's refreshes by outcome (from the run log); the served run's rows and age; the events this
// server ingested. Per request it does one histogram observation, never more: it must not slow the routes.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TAGS } from './openapi.js';
import type { Refresher } from './pipeline/refresher.js';
import type { VoucherSnapshot } from './vouchers/snapshot.js';

/** The route label of a request no route matched: one value, so unknown URLs cannot grow the label set. */
const UNMATCHED = 'unmatched';
const METRICS_PATH = '/metrics';

/** What a route reports to the metrics besides its duration. */
export interface Metrics {
  /** An ingest's outcome (POST /events): its events accepted, duplicate and rejected. */
  ingested(result: { accepted: number; duplicates: number; rejected: readonly unknown[] }): void;
}

type Observe = (seconds: number) => void;

/**
 * The request histogram's children, by route pattern, method and status: three map lookups per request and no
 * allocation once a combination has been seen (prom-client's labels() builds a label object on each call).
 */
class RequestDurations {
  readonly #children = new Map<string, Map<string, Map<number, Observe>>>();

  constructor(private readonly histogram: Histogram<'route' | 'method' | 'status_code'>) {}

  observe(route: string, method: string, status: number, seconds: number): void {
    let byMethod = this.#children.get(route);
    if (!byMethod) this.#children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let observe = byStatus.get(status);
    if (!observe) {
      const child = this.histogram.labels({ route, method, status_code: status });
      byStatus.set(status, (observe = child.observe));
    }
    observe(seconds);
  }
}

/** Adds the request hook and GET /metrics to the app; call before the routes it should measure. */
export function registerMetrics(app: FastifyInstance, refresher: Refresher): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new RequestDurations(
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer a request, by route pattern (not the URL), method and status',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  );
  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    if (route !== METRICS_PATH) requests.observe(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const refreshes = new Counter({
    name: 'customer_analytics_refreshes_total',
    help: 'Refreshes of the warehouse recorded in its run log (by any process), by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const refreshSeconds = new Histogram({
    name: 'customer_analytics_refresh_duration_seconds',
    help: 'How long each refresh in the run log took, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const lastRefresh = new Gauge({
    name: 'customer_analytics_last_refresh_timestamp_seconds',
    help: 'When the latest refresh of each outcome finished (Unix time)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['succeeded', 'failed']) {
    refreshes.inc({ outcome }, 0);
    refreshSeconds.zero({ outcome });
  }
  const servedRows = new Gauge({
    name: 'customer_analytics_served_run_rows',
    help: 'Input rows of the served run: read, kept and rejected',
    labelNames: ['stage'] as const,
    registers: [registry],
  });
  const ruleRows = new Gauge({
    name: 'customer_analytics_served_run_rule_rows',
    help: 'Input rows each cleaning rule rejected or left out of a segment, in the served run',
    labelNames: ['rule', 'effect'] as const,
    registers: [registry],
  });
  const servedAge = new Gauge({
    name: 'customer_analytics_served_run_age_seconds',
    help: 'Time since the served run finished building',
    registers: [registry],
  });
  const servedInfo = new Gauge({
    name: 'customer_analytics_served_run_info',
    help: 'The served run (always 1; the run is in the label)',
    labelNames: ['run_id'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'customer_analytics_events_total',
    help: 'Events posted to this server (POST /events), by outcome: accepted, duplicate or rejected',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of ['accepted', 'duplicate', 'rejected']) events.inc({ outcome }, 0);

  /** Each run of the log is counted once, when a scrape first sees it; the log is append-only. */
  const counted = new Set<string>();

  async function update(): Promise<void> {
    for (const run of await refresher.runs()) {
      if (counted.has(run.run_id)) continue;
      counted.add(run.run_id);
      refreshes.inc({ outcome: run.status });
      refreshSeconds.observe({ outcome: run.status }, run.duration_ms / 1000);
      const finished = Date.parse(run.finished_at) / 1000;
      // Runs are logged in the order they finished.
      lastRefresh.set({ outcome: run.status }, finished);
    }
    const { run } = refresher.served;
    const figures = run as { rows_read?: number; rows_kept?: number; rows_rejected?: number };
    servedRows.set({ stage: 'read' }, figures.rows_read ?? 0);
    servedRows.set({ stage: 'kept' }, figures.rows_kept ?? 0);
    servedRows.set({ stage: 'rejected' }, figures.rows_rejected ?? 0);
    ruleRows.reset();
    for (const row of refresher.part<VoucherSnapshot>('vouchers').dataQuality) {
      ruleRows.set({ rule: row.rule, effect: row.effect }, row.rows);
    }
    servedAge.set((Date.now() - Date.parse(run.finished_at)) / 1000);
    servedInfo.reset();
    servedInfo.set({ run_id: run.run_id }, 1);
  }

  app.get(
    METRICS_PATH,
    {
      schema: {
        summary: 'Prometheus metrics',
        description:
          'The Prometheus text format: `http_request_duration_seconds` by route pattern, method and status; ' +
          '`customer_analytics_refreshes_total` and `customer_analytics_refresh_duration_seconds` by outcome ' +
          "(every refresh in the run log, by any process); the served run's rows, rules and age; the events " +
          "this server ingested by outcome; and the process's own figures.",
        tags: [TAGS.operations.name],
        produces: ['text/plain'],
        response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }) },
      },
    },
    async (_request, reply) => {
      await update();
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );

  return {
    ingested({ accepted, duplicates, rejected }) {
      events.inc({ outcome: 'accepted' }, accepted);
      events.inc({ outcome: 'duplicate' }, duplicates);
      events.inc({ outcome: 'rejected' }, rejected.length);
    },
  };
}
