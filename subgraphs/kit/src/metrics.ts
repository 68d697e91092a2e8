/**
 * Each server's metrics, exposed in Prometheus text format on its `/metrics`: a prom-client
 * Registry per `Metrics` (so two servers in one process never mix), with the small API the code
 * calls everywhere (`inc`, `gauge`, `get`) plus labelled histograms and counters for request,
 * operation and subgraph-fetch latency. Every name gets the `learncraft_` prefix.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type MetricLabels = Record<string, string>;

export interface MetricsOptions {
  /** Prefix of every metric name (default `learncraft`). */
  prefix?: string;
  /** Also export prom-client's process metrics (CPU, memory, event loop lag, GC) under the prefix. */
  processMetrics?: boolean;
}

/** Latency buckets in seconds, from a cached lookup to a slow tutor reply. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** `name{a="1",b="2"}`: the key of one series (label order as given). */
function seriesKey(name: string, labels?: MetricLabels): string {
  const entries = Object.entries(labels ?? {});
  return entries.length === 0
    ? name
    : `${name}{${entries.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}

interface GaugeFamily {
  gauge: Gauge;
  series: Map<string, { labels: MetricLabels; read: () => number }>;
}

export class Metrics {
  /** The prom-client registry behind `render()`, e.g. for a metric kind this class does not wrap. */
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly prefix: string;
  private readonly counters = new Map<string, Counter>();
  /** Counter values by series key, so `get` stays synchronous (prom-client reads are async). */
  private readonly counted = new Map<string, number>();
  private readonly gauges = new Map<string, GaugeFamily>();
  private readonly histograms = new Map<string, Histogram>();

  constructor(options: MetricsOptions = {}) {
    this.prefix = options.prefix ?? 'learncraft';
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: `${this.prefix}_` });
  }

  /**
   * Adds `by` to a counter. Labels are optional; a counter's label names are fixed by its first
   * use, and every label value must come from a bounded set (never a raw user input).
   */
  inc(name: string, by = 1, labels?: MetricLabels): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({
        name: `${this.prefix}_${name}`,
        help: helpOf(name),
        labelNames: Object.keys(labels ?? {}),
        registers: [this.registry],
      });
      this.counters.set(name, counter);
    }
    if (labels && Object.keys(labels).length > 0) counter.inc(labels, by);
    else counter.inc(by);
    const key = seriesKey(name, labels);
    this.counted.set(key, (this.counted.get(key) ?? 0) + by);
  }

  /** The current value of a counter or gauge series (0 when it does not exist yet). */
  get(name: string, labels?: MetricLabels): number {
    const key = seriesKey(name, labels);
    return this.counted.get(key) ?? this.gauges.get(name)?.series.get(key)?.read() ?? 0;
  }

  /**
   * A value read when metrics are rendered (e.g. open connections). Labels make one series of a
   * gauge family, e.g. one circuit-breaker state per subgraph; registering a series again
   * replaces its reader.
   */
  gauge(name: string, read: () => number, labels?: MetricLabels): void {
    let family = this.gauges.get(name);
    if (!family) {
      const series = new Map<string, { labels: MetricLabels; read: () => number }>();
      const gauge = new Gauge({
        name: `${this.prefix}_${name}`,
        help: helpOf(name),
        labelNames: Object.keys(labels ?? {}),
        registers: [this.registry],
        collect() {
          for (const { labels: values, read: value } of series.values()) {
            if (Object.keys(values).length > 0) this.set(values, value());
            else this.set(value());
          }
        },
      });
      family = { gauge, series };
      this.gauges.set(name, family);
    }
    family.series.set(seriesKey(name, labels), { labels: labels ?? {}, read });
  }

  /** Records one observation (seconds, or whatever unit the name says) in a histogram. */
  observe(name: string, value: number, labels: MetricLabels, buckets = LATENCY_BUCKETS): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({
        name: `${this.prefix}_${name}`,
        help: helpOf(name),
        labelNames: Object.keys(labels),
        buckets,
        registers: [this.registry],
      });
      this.histograms.set(name, histogram);
    }
    histogram.observe(labels, value);
  }

  /** Every metric in Prometheus text format (serve it with `contentType`). */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** prom-client wants a help text; the name is written to read as one. */
function helpOf(name: string): string {
  return name.replace(/_/g, ' ');
}
