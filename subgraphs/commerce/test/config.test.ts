import { loadConfig } from '../src/config';

describe('commerce configuration', () => {
  it('defaults: the test provider, port 4006, 70 % to instructors, 14 days and 30 % for refunds', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 4006,
      PAYMENT_PROVIDER: 'test',
      CATALOG_INTERNAL_URL: 'http://127.0.0.1:4002',
      PROGRESS_INTERNAL_URL: 'http://127.0.0.1:4003',
      EVENT_SUBSCRIBER_URLS: [],
      INSTRUCTOR_REVENUE_SHARE_PERCENT: 70,
      REFUND_WINDOW_DAYS: 14,
      REFUND_MAX_COMPLETION_PERCENT: 30,
      CHECKOUT_EXPIRY_MINUTES: 60,
      SEED_DEMO: false,
    });
  });

  it('a Stripe key makes Stripe the default provider, and then the webhook secret is required', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_1' })).toThrow('STRIPE_WEBHOOK_SECRET');
    expect(
      loadConfig({ STRIPE_SECRET_KEY: 'sk_test_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' }).PAYMENT_PROVIDER,
    ).toBe('stripe');
    expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_1', PAYMENT_PROVIDER: 'test' }).PAYMENT_PROVIDER).toBe(
      'test',
    );
  });

  it('production refuses to fall back to the test provider unless it is chosen on purpose', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('PAYMENT_PROVIDER');
    expect(loadConfig({ NODE_ENV: 'production', PAYMENT_PROVIDER: 'test' }).PAYMENT_PROVIDER).toBe('test');
    expect(
      loadConfig({ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_1', STRIPE_WEBHOOK_SECRET: 'whsec_1' })
        .PAYMENT_PROVIDER,
    ).toBe('stripe');
  });

  it('event subscribers are a comma list of URLs', () => {
    expect(
      loadConfig({ EVENT_SUBSCRIBER_URLS: 'http://127.0.0.1:4002, http://127.0.0.1:4005,' })
        .EVENT_SUBSCRIBER_URLS,
    ).toEqual(['http://127.0.0.1:4002', 'http://127.0.0.1:4005']);
    expect(() => loadConfig({ EVENT_SUBSCRIBER_URLS: 'not a url' })).toThrow('EVENT_SUBSCRIBER_URLS');
  });
});
