/** Process-local counters exposed in Prometheus text format on each server's `/metrics`. */
export class Metrics {
  private readonly counters = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  render(prefix = 'learncraft'): string {
    return [...this.counters.entries()]
      .map(([name, value]) => `# TYPE ${prefix}_${name} counter\n${prefix}_${name} ${value}`)
      .join('\n')
      .concat('\n');
  }
}
