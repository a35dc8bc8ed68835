import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** ipaddr.js range names, in the words a refusal should use. */
const RANGE_LABELS: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private address',
  uniqueLocal: 'a private (unique local) address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  teredo: 'a Teredo tunnel address',
  discard: 'a discard-only address',
};

/** Cloud instance metadata endpoints (AWS IMDS over IPv4 and IPv6; GCP and Azure use 169.254.169.254 too). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/** IPv6 ranges that carry an IPv4 address in their low 32 bits: judged by that address. */
const EMBEDS_IPV4_LOW = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052']);

export interface AddressAllowList {
  readonly has: (address: Address) => boolean;
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address into a matcher; throws on anything else. */
export function parseAllowList(entries: readonly string[]): AddressAllowList {
  const ranges = entries.map((entry) => {
    try {
      return entry.includes('/') ? ipaddr.parseCIDR(entry) : toSingleRange(ipaddr.parse(entry));
    } catch {
      throw new Error(`SSRF allow list entry "${entry}" is neither an IP address nor a CIDR range (10.0.0.0/8, fd00::/8)`);
    }
  });
  return {
    has: (address) => ranges.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits)),
  };
}

function toSingleRange(address: Address): [Address, number] {
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/**
 * Why the strict profile refuses an IP address ("a loopback address"), or null if it is a public
 * unicast address. Anything ipaddr.js does not call plain `unicast` is refused: the reserved and
 * documentation ranges have no business receiving callbacks either.
 */
export function whyForbidden(text: string, allow: AddressAllowList | null): string | null {
  let address: Address;
  try {
    address = ipaddr.parse(text);
  } catch {
    return `"${text}" is not an IP address`;
  }
  if (allow?.has(address)) return null;
  return whyForbiddenAddress(address);
}

function whyForbiddenAddress(address: Address): string | null {
  if (METADATA_ADDRESSES.has(address.toString())) return 'a cloud metadata address';
  if (address instanceof ipaddr.IPv4) return labelFor(address.range());
  const v6 = address;
  const range = v6.range();
  if (EMBEDS_IPV4_LOW.has(range)) return embedded(lowIpv4(v6));
  if (range === '6to4') return embedded(sixToFourIpv4(v6));
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291) is called unicast by ipaddr.js; nothing public lives there.
  if (range === 'unicast' && v6.parts.slice(0, 6).every((part) => part === 0)) return 'a deprecated IPv4-compatible address';
  return labelFor(range);
}

function labelFor(range: string): string | null {
  if (range === 'unicast') return null;
  return RANGE_LABELS[range] ?? `a special-purpose address (${range})`;
}

function embedded(ipv4: ipaddr.IPv4): string | null {
  const reason = whyForbiddenAddress(ipv4);
  return reason === null ? null : `an IPv6 address embedding ${ipv4.toString()}, ${reason}`;
}

function lowIpv4(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const [hi = 0, lo = 0] = v6.parts.slice(6);
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function sixToFourIpv4(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const [hi = 0, lo = 0] = v6.parts.slice(1, 3);
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}
