import { isForbiddenAddress, staticUrlProblem } from './webhookAddresses';

describe('isForbiddenAddress', () => {
  test.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.20.30.40',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.251',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fd00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::7f00:1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  test.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => {
      expect(isForbiddenAddress(address)).toBe(false);
    },
  );
});

describe('staticUrlProblem', () => {
  test('allows http and loopback only when private URLs are allowed', () => {
    expect(staticUrlProblem('http://127.0.0.1:8080/hooks', true)).toBeNull();
    expect(staticUrlProblem('http://127.0.0.1:8080/hooks', false)?.code).toBe('URL_NOT_ALLOWED');
    expect(staticUrlProblem('https://127.0.0.1/hooks', false)?.code).toBe('URL_NOT_ALLOWED');
    expect(staticUrlProblem('https://93.184.215.14/hooks', false)).toBeNull();
  });
});
