/**
 * The drain's Prometheus metrics: one definition, two ways out. Without a registry the health
 * server's metrics path answers in the Prometheus text format (version 0.0.4), written here;
 * with a prom-client `Registry` the same families are registered in it as metric objects of
 * prom-client's shape (prom-client is never imported: an optional peer).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 * @see https://github.com/siimon/prom-client/blob/master/lib/registry.js (what `metrics()` reads of a metric)
 */
import type { MetricsRegistry } from './options';

/** The Content-Type of the text format. */
export const TEXT_EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One sample: `name{labels} value`, `name_bucket{le="…"}` for a histogram's parts. */
export interface MetricSample {
  /** `_bucket`, `_sum`, `_count` for a histogram; none otherwise. */
  readonly suffix?: '_bucket' | '_sum' | '_count';
  readonly labels?: { readonly [name: string]: string };
  readonly value: number;
}

/** A metric family's metadata; its samples come from {@link MetricsSource}. */
export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
}

/** Reads the current samples of each family, by name. */
export type MetricsSource = () => { readonly [name: string]: readonly MetricSample[] };

/** Upper bounds (seconds) of the arrival histogram: the range of propagations reported in the field (REFERENCES.md). */
export const ARRIVAL_BUCKETS_SECONDS: readonly number[] = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600];

/** The drain's metrics. */
export const DRAIN_METRICS = {
  ready: { name: 'grpc_drain_ready', type: 'gauge', help: '1 while the readiness path answers 200, 0 while it answers 503.' },
  openCalls: { name: 'grpc_drain_open_calls', type: 'gauge', help: 'RPCs the drain counts as started and not yet ended.' },
  preStop: { name: 'grpc_drain_prestop_seconds', type: 'gauge', help: 'The preStop sleep the deletion is dated with (SIGTERM minus this).' },
  connections: { name: 'grpc_drain_connections_total', type: 'counter', help: 'Connections accepted on the gRPC listener the runtime owns.' },
  openConnections: { name: 'grpc_drain_open_connections', type: 'gauge', help: 'Connections handed to grpc-js and still open.' },
  lateConnections: { name: 'grpc_drain_late_connections_total', type: 'counter', help: 'Connections that arrived after SIGTERM, by what they got (served, goaway, closed).' },
  lastConnection: { name: 'grpc_drain_last_connection_timestamp_seconds', type: 'gauge', help: 'Unix time of the last accepted connection.' },
  sigterm: { name: 'grpc_drain_sigterm_timestamp_seconds', type: 'gauge', help: 'Unix time the shutdown started (SIGTERM).' },
  lastAfterDeletion: {
    name: 'grpc_drain_last_new_connection_after_deletion_seconds',
    type: 'gauge',
    help: 'Seconds from the estimated deletion (SIGTERM minus the preStop sleep) to the last new connection.',
  },
  afterDeletion: {
    name: 'grpc_drain_connection_after_deletion_seconds',
    type: 'histogram',
    help: 'Arrival of each connection after the estimated deletion, in seconds since it (observed from SIGTERM on).',
  },
} as const satisfies { readonly [key: string]: MetricDefinition };

/** Histogram samples (cumulative buckets, `+Inf`, sum, count) of `values`. */
export function histogramSamples(values: readonly number[], buckets: readonly number[] = ARRIVAL_BUCKETS_SECONDS): MetricSample[] {
  const samples: MetricSample[] = buckets.map((le) => ({ suffix: '_bucket', labels: { le: String(le) }, value: values.filter((v) => v <= le).length }));
  samples.push({ suffix: '_bucket', labels: { le: '+Inf' }, value: values.length });
  samples.push({ suffix: '_sum', value: values.reduce((sum, v) => sum + v, 0) });
  samples.push({ suffix: '_count', value: values.length });
  return samples;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

// Escaping per the text format: HELP escapes \ and newline; label values also ".
const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (text: string): string => escapeHelp(text).replace(/"/g, '\\"');

/** The families in the Prometheus text format. */
export function renderTextExposition(definitions: readonly MetricDefinition[], source: MetricsSource): string {
  const samples = source();
  const lines: string[] = [];
  for (const { name, help, type } of definitions) {
    lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    for (const sample of samples[name] ?? []) {
      const labels = Object.entries(sample.labels ?? {});
      const labelText = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      lines.push(`${name}${sample.suffix ?? ''}${labelText} ${formatValue(sample.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Registers each family in a prom-client registry as an object of the shape its `metrics()`
 * and `getMetricsAsJSON()` read (`name`, `help`, `type`, `aggregator`, `get()`), so the user's
 * registry serves them next to its own metrics. Samples are read at every scrape.
 */
export function registerWithPromClient(registry: MetricsRegistry, definitions: readonly MetricDefinition[], source: MetricsSource): void {
  for (const { name, help, type } of definitions) {
    const metric = {
      name,
      help,
      type,
      // How prom-client's cluster mode combines workers; one process here.
      aggregator: type === 'gauge' ? 'max' : 'sum',
      get: () => ({
        name,
        help,
        type,
        aggregator: type === 'gauge' ? 'max' : 'sum',
        values: (source()[name] ?? []).map((sample) => ({
          value: sample.value,
          labels: { ...sample.labels },
          ...(sample.suffix !== undefined && { metricName: `${name}${sample.suffix}` }),
        })),
      }),
      reset: () => undefined,
    };
    registry.registerMetric(metric as never);
  }
}
