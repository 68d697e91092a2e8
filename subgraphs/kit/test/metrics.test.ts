import { Metrics, OperationNames, metricsPlugin, observeSubgraphFetch, operationNamesIn } from '../src';

describe('Metrics', () => {
  it('renders counters and labelled gauges as prom-client families with one TYPE line each', async () => {
    const metrics = new Metrics();
    metrics.inc('requests_total', 2);
    metrics.gauge('circuit_state', () => 0, { subgraph: 'users' });
    metrics.gauge('circuit_state', () => 1, { subgraph: 'posts' });
    metrics.gauge('open_sockets', () => 4);
    expect(await metrics.render()).toBe(
      [
        '# HELP learncraft_requests_total requests total',
        '# TYPE learncraft_requests_total counter',
        'learncraft_requests_total 2',
        '',
        '# HELP learncraft_circuit_state circuit state',
        '# TYPE learncraft_circuit_state gauge',
        'learncraft_circuit_state{subgraph="users"} 0',
        'learncraft_circuit_state{subgraph="posts"} 1',
        '',
        '# HELP learncraft_open_sockets open sockets',
        '# TYPE learncraft_open_sockets gauge',
        'learncraft_open_sockets 4',
        '',
      ].join('\n'),
    );
    expect(metrics.get('requests_total')).toBe(2);
    expect(metrics.get('circuit_state', { subgraph: 'posts' })).toBe(1);
    expect(metrics.get('open_sockets')).toBe(4);
    expect(metrics.get('never_counted_total')).toBe(0);
  });

  it('reads gauges when rendered, so a later value shows', async () => {
    const metrics = new Metrics();
    let open = 1;
    metrics.gauge('open_sockets', () => open);
    open = 7;
    expect(await metrics.render()).toMatch(/^learncraft_open_sockets 7$/m);
  });

  it('escapes quotes, backslashes and newlines in label values', async () => {
    const metrics = new Metrics();
    metrics.gauge('g', () => 1, { name: 'a"b\\c\nd' });
    expect(await metrics.render()).toContain('learncraft_g{name="a\\"b\\\\c\\nd"} 1');
  });

  it('counts labelled series apart', async () => {
    const metrics = new Metrics();
    metrics.inc('operations_total', 1, { operation: 'Me' });
    metrics.inc('operations_total', 2, { operation: 'Me' });
    metrics.inc('operations_total', 1, { operation: 'Courses' });
    expect(metrics.get('operations_total', { operation: 'Me' })).toBe(3);
    expect(await metrics.render()).toMatch(/^learncraft_operations_total\{operation="Courses"\} 1$/m);
  });

  it('keeps two servers in one process apart', async () => {
    const first = new Metrics();
    const second = new Metrics();
    first.inc('db_queries_total');
    expect(await second.render()).toBe('\n');
    expect(second.get('db_queries_total')).toBe(0);
  });

  it('exports process metrics under the prefix only when asked', async () => {
    expect(await new Metrics({ processMetrics: true }).render()).toMatch(
      /^# TYPE learncraft_process_cpu_user_seconds_total counter$/m,
    );
    expect(await new Metrics().render()).not.toContain('process_cpu');
  });

  it('records subgraph fetches in a histogram per subgraph and outcome', async () => {
    const metrics = new Metrics();
    observeSubgraphFetch(metrics, 'catalog', 0.02, 'ok');
    observeSubgraphFetch(metrics, 'catalog', 0.3, 'ok');
    observeSubgraphFetch(metrics, 'identity', 6, 'timeout');
    const text = await metrics.render();
    expect(text).toMatch(/^# TYPE learncraft_subgraph_fetch_duration_seconds histogram$/m);
    expect(text).toMatch(
      /^learncraft_subgraph_fetch_duration_seconds_bucket\{le="0.025",subgraph="catalog",outcome="ok"\} 1$/m,
    );
    expect(text).toMatch(
      /^learncraft_subgraph_fetch_duration_seconds_bucket\{le="0.5",subgraph="catalog",outcome="ok"\} 2$/m,
    );
    expect(text).toMatch(
      /^learncraft_subgraph_fetch_duration_seconds_count\{subgraph="catalog",outcome="ok"\} 2$/m,
    );
    expect(text).toMatch(
      /^learncraft_subgraph_fetch_duration_seconds_bucket\{le="5",subgraph="identity",outcome="timeout"\} 0$/m,
    );
    expect(text).toMatch(
      /^learncraft_subgraph_fetch_duration_seconds_count\{subgraph="identity",outcome="timeout"\} 1$/m,
    );
  });
});

describe('OperationNames', () => {
  it('labels known names, strips the gateway suffix and caps unknown names at its capacity', () => {
    const names = new OperationNames(['Me'], 2);
    expect(names.label('Me')).toBe('Me');
    expect(names.label('Courses__catalog__0')).toBe('Courses');
    expect(names.label(undefined)).toBe('anonymous');
    expect(names.label('not a name{}')).toBe('other');
    expect(names.label('Second')).toBe('Second');
    expect(names.label('Third')).toBe('other');
    // Admitted and known names keep their label after the cap.
    expect(names.label('Courses')).toBe('Courses');
    expect(names.label('Me')).toBe('Me');
  });
});

describe('operationNamesIn', () => {
  it('lists the named operations of documents and skips anonymous and unparsable ones', () => {
    expect(
      operationNamesIn([
        'query Me { me { id } }',
        '{ courses { id } }',
        'query {',
        'mutation Enrol { a } query B { b }',
      ]),
    ).toEqual(['Me', 'Enrol', 'B']);
  });
});

describe('metricsPlugin', () => {
  it('observes one duration and counts one operation per request', async () => {
    const metrics = new Metrics();
    const hooks = await metricsPlugin(metrics, new OperationNames(['Me'])).requestDidStart();
    await hooks.willSendResponse({
      operationName: 'Me',
      operation: { operation: 'query' },
      errors: undefined,
    });
    const failed = await metricsPlugin(metrics, new OperationNames(['Me'])).requestDidStart();
    await failed.willSendResponse({
      operationName: 'Me',
      operation: { operation: 'query' },
      errors: [new Error('x')],
    });
    expect(metrics.get('graphql_operations_total', { operation: 'Me', type: 'query', outcome: 'ok' })).toBe(
      1,
    );
    expect(
      metrics.get('graphql_operations_total', { operation: 'Me', type: 'query', outcome: 'error' }),
    ).toBe(1);
    expect(await metrics.render()).toMatch(
      /^learncraft_graphql_request_duration_seconds_count\{operation="Me",type="query",outcome="ok"\} 1$/m,
    );
  });
});
