import { loadConfig } from '../src/config';

describe('labs configuration', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 4004,
      CATALOG_INTERNAL_URL: 'http://127.0.0.1:4002',
      PROGRESS_INTERNAL_URL: 'http://127.0.0.1:4003',
      LAB_RUNTIME: 'local',
      LAB_MAX_SANDBOXES: 20,
      LAB_TERMINAL_PUBLIC_URL: 'ws://127.0.0.1:4000/labs/terminal',
      LAB_MAX_EXTENSIONS: 2,
      LAB_CHECK_TIMEOUT_MS: 60_000,
      REQUEST_TIMEOUT_MS: 90_000,
      LAB_SWEEP_INTERVAL_MS: 5_000,
    });
  });

  it('refuses a request timeout shorter than a check, and an unknown runtime', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /REQUEST_TIMEOUT_MS: must be at least LAB_CHECK_TIMEOUT_MS \+ 5000/,
    );
    expect(() => loadConfig({ LAB_RUNTIME: 'docker' })).toThrow(/LAB_RUNTIME/);
    expect(() => loadConfig({ LAB_TERMINAL_SECRET: 'short' })).toThrow(/LAB_TERMINAL_SECRET/);
  });
});
