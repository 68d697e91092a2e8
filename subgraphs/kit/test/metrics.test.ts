import { Metrics } from '../src';

describe('Metrics', () => {
  it('renders labelled gauges as one family with a single TYPE line', () => {
    const metrics = new Metrics();
    metrics.inc('requests_total', 2);
    metrics.gauge('circuit_state', () => 0, { subgraph: 'users' });
    metrics.gauge('circuit_state', () => 1, { subgraph: 'posts' });
    metrics.gauge('open_sockets', () => 4);
    expect(metrics.render()).toBe(
      [
        '# TYPE learncraft_requests_total counter',
        'learncraft_requests_total 2',
        '# TYPE learncraft_circuit_state gauge',
        'learncraft_circuit_state{subgraph="users"} 0',
        'learncraft_circuit_state{subgraph="posts"} 1',
        '# TYPE learncraft_open_sockets gauge',
        'learncraft_open_sockets 4',
        '',
      ].join('\n'),
    );
    expect(metrics.get('circuit_state', { subgraph: 'posts' })).toBe(1);
    expect(metrics.get('open_sockets')).toBe(4);
  });

  it('escapes quotes, backslashes and newlines in label values', () => {
    const metrics = new Metrics();
    metrics.gauge('g', () => 1, { name: 'a"b\\c\nd' });
    expect(metrics.render()).toContain('learncraft_g{name="a\\"b\\\\c\\nd"} 1');
  });
});
