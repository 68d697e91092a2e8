/**
 * Process-local counters and gauges exposed in Prometheus text format on each server's `/metrics`.
 */
export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly gauges = new Map<string, () => number>();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counters.get(name) ?? this.gauges.get(name)?.() ?? 0;
  }

  /** A value read when metrics are rendered (e.g. open connections). */
  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  render(prefix = 'learncraft'): string {
    const lines = [...this.counters.entries()].map(
      ([name, value]) => `# TYPE ${prefix}_${name} counter\n${prefix}_${name} ${value}`,
    );
    for (const [name, read] of this.gauges)
      lines.push(`# TYPE ${prefix}_${name} gauge\n${prefix}_${name} ${read()}`);
    return lines.join('\n').concat('\n');
  }
}
