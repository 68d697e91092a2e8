import { clientAddressOf } from './clientAddress';

const request = (forwardedFor: string | undefined, peer = '10.0.0.9') => ({
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  socket: { remoteAddress: peer } as never,
});

describe('the client address forwarded to subgraphs', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddressOf(request('1.2.3.4'), 0)).toBe('10.0.0.9');
  });

  it('is the address the trusted proxy saw, not what the client wrote further left', () => {
    expect(clientAddressOf(request('6.6.6.6, 203.0.113.7'), 1)).toBe('203.0.113.7');
    expect(clientAddressOf(request('6.6.6.6, 203.0.113.7, 10.1.1.1'), 2)).toBe('203.0.113.7');
  });

  it('falls back to the peer when the chain is shorter than the trusted hops', () => {
    expect(clientAddressOf(request(undefined), 1)).toBe('10.0.0.9');
    expect(clientAddressOf(request('203.0.113.7'), 2)).toBe('10.0.0.9');
  });
});
