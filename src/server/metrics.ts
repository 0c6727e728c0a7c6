/**
 * Prometheus metrics (prom-client, a registry of the server's own). Labels are route patterns,
 * statuses, tenants, pipeline and component names and error codes: never a URL, an id or a text.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'clinote_http_requests_total',
    help: 'HTTP requests by route pattern, method, status and tenant',
    labelNames: ['route', 'method', 'status', 'tenant'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'clinote_http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly component = new Histogram({
    name: 'clinote_component_duration_seconds',
    help: 'Time per note in each component (from the run context hooks), in seconds',
    labelNames: ['pipeline', 'component', 'outcome'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'clinote_queue_depth',
    help: 'Notes waiting for a worker thread',
    labelNames: ['pipeline'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'clinote_batches_in_flight',
    help: 'Batches running on worker threads',
    labelNames: ['pipeline'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'clinote_batch_size_notes',
    help: 'Notes per batch sent to a worker thread (micro-batches of concurrent requests)',
    labelNames: ['pipeline'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [this.registry],
  });
  readonly notes = new Counter({
    name: 'clinote_notes_total',
    help: 'Notes processed, by pipeline, tenant and outcome (ok, error)',
    labelNames: ['pipeline', 'tenant', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: 'clinote_note_bytes_total',
    help: 'UTF-8 bytes of the notes processed, by pipeline and tenant',
    labelNames: ['pipeline', 'tenant'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'clinote_errors_total',
    help: 'Errors by catalogue code and tenant (request errors and per-note errors)',
    labelNames: ['code', 'tenant'] as const,
    registers: [this.registry],
  });
  readonly shed = new Counter({
    name: 'clinote_shed_total',
    help: 'Requests shed with 503, by reason (queue, pressure, shutdown)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly monitoredNotes = new Counter({
    name: 'clinote_monitor_notes_total',
    help: 'Served notes added to a monitoring profile, by deployment (pipeline) and outcome',
    labelNames: ['deployment', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly driftShare = new Gauge({
    name: 'clinote_drift_share',
    help: 'Share of monitored features that drifted in the last closed window against the reference, by deployment and version',
    labelNames: ['deployment', 'version'] as const,
    registers: [this.registry],
  });
  readonly driftDistance = new Gauge({
    name: 'clinote_drift_feature_distance',
    help: 'Drift distance of each monitored feature in the last closed window (PSI, Jensen-Shannon or Wasserstein: docs/monitoring.md)',
    labelNames: ['deployment', 'feature'] as const,
    registers: [this.registry],
  });
  readonly driftAlerts = new Counter({
    name: 'clinote_drift_alerts_total',
    help: 'Drift alerts raised, by deployment',
    labelNames: ['deployment'] as const,
    registers: [this.registry],
  });
  readonly ready = new Gauge({
    name: 'clinote_ready',
    help: '1 while the server takes requests, 0 while it starts or drains',
    registers: [this.registry],
  });

  constructor(options: { readonly processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'clinote_' });
  }
}
