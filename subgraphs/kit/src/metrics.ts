/**
 * Process-local counters and gauges exposed in Prometheus text format on each server's `/metrics`.
 */
export type MetricLabels = Record<string, string>;

/** `name{a="1",b="2"}`: the series key, which is also its Prometheus text form. */
function seriesKey(name: string, labels?: MetricLabels): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return name;
  const rendered = entries.map(
    ([key, value]) => `${key}="${value.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
  );
  return `${name}{${rendered.join(',')}}`;
}

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, { name: string; read: () => number }>();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: string, labels?: MetricLabels): number {
    const key = seriesKey(name, labels);
    return this.counters.get(key) ?? this.gauges.get(key)?.read() ?? 0;
  }

  /**
   * A value read when metrics are rendered (e.g. open connections). Labels make one series of a
   * gauge family, e.g. one circuit-breaker state per subgraph.
   */
  gauge(name: string, read: () => number, labels?: MetricLabels): void {
    this.gauges.set(seriesKey(name, labels), { name, read });
  }

  render(prefix = 'learncraft'): string {
    const lines = [...this.counters.entries()].map(
      ([name, value]) => `# TYPE ${prefix}_${name} counter\n${prefix}_${name} ${value}`,
    );
    // Prometheus wants one TYPE line per family, before its first series.
    const typed = new Set<string>();
    for (const [key, { name, read }] of this.gauges) {
      if (!typed.has(name)) lines.push(`# TYPE ${prefix}_${name} gauge`);
      typed.add(name);
      lines.push(`${prefix}_${key} ${read()}`);
    }
    return lines.join('\n').concat('\n');
  }
}
