import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { parseAllowList, whyForbidden, type AddressAllowList } from './forbidden-addresses.js';

/**
 * `dev`: any http(s) destination, loopback and private networks included (the default for local use).
 * `strict`: public addresses only, checked on the URL, after DNS resolution and on every redirect hop.
 */
export type SsrfMode = 'dev' | 'strict';

export interface SsrfGuardOptions {
  /**
   * Addresses or CIDR ranges (`10.1.2.3`, `10.0.0.0/8`, `fd00::/8`) the strict profile lets through:
   * a receiver on your own private network. Schemes are still checked.
   */
  readonly allow?: readonly string[];
}

/** Names that reach a cloud instance's metadata service without resolving through public DNS. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.google.internal.']);

/** Raised by the guard's `lookup` inside a connection attempt; the sender turns it into a `refused` outcome. */
export class SsrfRefusedError extends Error {
  readonly code = 'ERR_HOOKLINE_SSRF_REFUSED';

  constructor(message: string) {
    super(message);
    this.name = 'SsrfRefusedError';
  }
}

export function isSsrfRefusal(error: unknown): error is SsrfRefusedError {
  return error instanceof SsrfRefusedError;
}

/**
 * Decides which destinations callbacks may be sent to. `checkUrl` judges what the URL itself shows
 * (scheme, a literal IP, a metadata name); `lookup` judges what a name resolves to, at connect time,
 * so a name that resolves to 127.0.0.1 (or is re-pointed there after the URL was accepted) is refused
 * before a byte is sent.
 */
export class SsrfGuard {
  /**
   * For net.connect's `lookup` option (undici's `connect` options). Null in `dev` mode, where the
   * system resolver is used as is. Refuses when ANY resolved address is forbidden, so a name that
   * answers with one public and one private address cannot be used to reach the private one.
   */
  readonly lookup: LookupFunction | null;
  private readonly allowList: AddressAllowList | null;

  constructor(
    readonly mode: SsrfMode = 'dev',
    options: SsrfGuardOptions = {},
  ) {
    this.allowList = options.allow && options.allow.length > 0 ? parseAllowList(options.allow) : null;
    this.lookup = mode === 'strict' ? this.strictLookup : null;
  }

  /** Null when the URL may be requested; otherwise why not, naming its host or address. */
  checkUrl(url: URL): string | null {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return `refused ${url.href}: callbacks go only to http: and https: URLs, not ${url.protocol}`;
    }
    if (this.mode === 'dev') return null;
    const host = bareHost(url.hostname);
    if (isIP(host) !== 0) {
      const reason = whyForbidden(host, this.allowList);
      return reason === null ? null : `strict SSRF profile refuses ${host}: ${reason}`;
    }
    if (METADATA_NAMES.has(host.toLowerCase())) return `strict SSRF profile refuses ${host}: a cloud metadata service`;
    return null;
  }

  private readonly strictLookup: LookupFunction = (hostname, options, callback) => {
    systemLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '');
      for (const { address } of addresses) {
        const reason = whyForbidden(address, this.allowList);
        if (reason !== null) {
          return callback(new SsrfRefusedError(`strict SSRF profile refuses ${hostname}: it resolves to ${address}, ${reason}`), '');
        }
      }
      const first = addresses[0];
      if (options.all) return callback(null, addresses);
      if (!first) return callback(Object.assign(new Error(`DNS lookup of ${hostname} returned no address`), { code: 'ENOTFOUND' }), '');
      return callback(null, first.address, first.family);
    });
  };
}

/** `[::1]` as URL.hostname gives it, without the brackets. */
function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
