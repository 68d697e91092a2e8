import { createRedactor, type Redactor } from './redaction';

function run(redactor: Redactor, deltas: string[]): { emitted: string[]; text: string } {
  const emitted = deltas.map((d) => redactor.push(d));
  emitted.push(redactor.flush());
  return { emitted, text: emitted.join('') };
}

describe('createRedactor', () => {
  it('removes a secret that arrives in one delta', () => {
    const r = createRedactor(['kubectl get pods'], '[hidden]');
    expect(run(r, ['Try kubectl get pods now.']).text).toBe('Try [hidden] now.');
  });

  it('removes a secret split across many deltas, ignoring case and whitespace differences', () => {
    const r = createRedactor(['kubectl get pods'], '[hidden]');
    const { text } = run(r, ['Run ', 'Kube', 'ctl ', ' GET', '\npo', 'ds', ' and wait.']);
    expect(text).toBe('Run [hidden] and wait.');
  });

  it('removes every occurrence of every secret', () => {
    const r = createRedactor(['Option B', 'kubectl apply'], '▇');
    expect(run(r, ['option b, then ', 'kubectl apply; again Option', ' B.']).text).toBe(
      '▇, then ▇; again ▇.',
    );
  });

  it('emits text that cannot start a secret immediately and holds back only a possible prefix', () => {
    const r = createRedactor(['kubectl get pods'], '[hidden]');
    expect(r.push('Hello there ')).toBe('Hello there ');
    expect(r.push('and kub')).toBe('and ');
    expect(r.push('e')).toBe('');
    expect(r.push('rnetes rocks')).toBe('kubernetes rocks');
    expect(r.flush()).toBe('');
  });

  it('releases a held prefix unchanged when the stream ends before the secret completes', () => {
    const r = createRedactor(['kubectl get pods'], '[hidden]');
    expect(run(r, ['Use kubectl get']).emitted).toEqual(['Use ', 'kubectl get']);
  });

  it('prefers the longer of two overlapping secrets', () => {
    const r = createRedactor(['kubectl get', 'kubectl get pods -o wide'], '#');
    expect(run(r, ['a kubectl get', ' pods -o wide b']).text).toBe('a # b');
    const r2 = createRedactor(['kubectl get', 'kubectl get pods -o wide'], '#');
    expect(run(r2, ['a kubectl get', ' nodes']).text).toBe('a # nodes');
  });

  it('sees through Markdown emphasis and code marks inside a secret', () => {
    const r = createRedactor(['A Deployment manages Pods through ReplicaSets'], '[hidden]');
    expect(run(r, ['It is **A Deploy', 'ment** manages _Pods_ through `ReplicaSets`.']).text).toBe(
      'It is **[hidden]`.',
    );
  });

  it('passes everything through when there are no secrets', () => {
    const r = createRedactor(['', '   '], '#');
    expect(run(r, ['a', 'b']).emitted).toEqual(['a', 'b', '']);
  });
});
