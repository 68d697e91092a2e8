/**
 * SSRF protection for webhook URLs: which addresses an endpoint may reach (public unicast only,
 * unless private URLs are allowed for development), the static check of a URL, its DNS check,
 * and a `lookup` that pins a connection to the address that was checked, so a DNS answer that
 * changes between check and connect (rebinding) cannot slip in.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

export const URL_MAX_LENGTH = 2_000;

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: reaches IPv4 behind the gateway
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10],
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d, ::ffff:7f00:1) or -compatible IPv6 one. */
function embeddedIpv4(address: string): string | null {
  const match = /^(?:0{0,4}:){0,5}(?:ffff:)?(?:0{0,4}:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (match?.[1]) return match[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex?.[1] || !hex[2]) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True when a webhook may not be sent to `address` (loopback, private, link-local, ...). */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(bare.toLowerCase());
  if (v4 && isIP(v4) === 4) return blocked.check(v4, 'ipv4');
  return blocked.check(bare, 'ipv6');
}

export type UrlProblem =
  { code: 'INVALID_URL'; message: string } | { code: 'URL_NOT_ALLOWED'; message: string };

/** The checks that need no DNS: a well-formed http(s) URL, https unless private URLs are allowed. */
export function staticUrlProblem(raw: string, allowPrivate: boolean): UrlProblem | null {
  if (raw.length > URL_MAX_LENGTH)
    return { code: 'INVALID_URL', message: `The URL can be at most ${URL_MAX_LENGTH} characters long.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'INVALID_URL', message: 'Enter an absolute URL, like https://example.com/webhooks.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { code: 'INVALID_URL', message: 'The URL must start with https://.' };
  if (url.username || url.password)
    return { code: 'INVALID_URL', message: 'The URL cannot carry a user name or password.' };
  if (allowPrivate) return null;
  if (url.protocol !== 'https:') return { code: 'URL_NOT_ALLOWED', message: 'The URL must use https.' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isForbiddenAddress(host))
    return {
      code: 'URL_NOT_ALLOWED',
      message: 'The URL points at a private, loopback or link-local address.',
    };
  return null;
}

/** Resolves a host name to every address it has (a literal address resolves to itself). */
export type HostResolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const host = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  if (family) return [{ address: host, family }];
  return dnsLookup(host, { all: true, verbatim: true });
};

export type AddressCheck = { ok: true; address: LookupAddress } | { ok: false; problem: UrlProblem };

/**
 * Resolves the URL's host and refuses it when any address is forbidden (unless private URLs are
 * allowed); otherwise the address to connect to. Used at creation and again before each attempt.
 */
export async function checkUrlAddresses(
  raw: string,
  allowPrivate: boolean,
  resolve: HostResolver,
): Promise<AddressCheck> {
  const problem = staticUrlProblem(raw, allowPrivate);
  if (problem) return { ok: false, problem };
  const { hostname } = new URL(raw);
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(hostname);
  } catch {
    addresses = [];
  }
  const [first] = addresses;
  if (!first)
    return { ok: false, problem: { code: 'INVALID_URL', message: `The host ${hostname} does not resolve.` } };
  if (!allowPrivate) {
    const bad = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (bad)
      return {
        ok: false,
        problem: {
          code: 'URL_NOT_ALLOWED',
          message: `The URL's host resolves to a private, loopback or link-local address (${bad.address}).`,
        },
      };
  }
  return { ok: true, address: first };
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http(s).request that answers every query with the already checked address. */
export function pinnedLookup(address: LookupAddress) {
  return (_hostname: string, options: unknown, callback: LookupCallback) => {
    const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
    if (all) callback(null, [address]);
    else callback(null, address.address, address.family);
  };
}
