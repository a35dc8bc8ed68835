import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { SsrfGuard, SsrfRefusedError } from '../../src/delivery/ssrf-guard.js';

function check(guard: SsrfGuard, url: string): string | null {
  return guard.checkUrl(new URL(url));
}

/** Runs the guard's lookup as net.connect would, and returns what it answered. */
function lookup(guard: SsrfGuard, hostname: string, all: boolean): Promise<{ error: Error | null; address: string | LookupAddress[] }> {
  const fn = guard.lookup;
  if (!fn) throw new Error('this guard has no lookup');
  return new Promise((resolve) => fn(hostname, { all }, (error, address) => resolve({ error, address })));
}

describe('SsrfGuard in both modes', () => {
  it.each(['dev', 'strict'] as const)('refuses schemes other than http and https in %s mode', (mode) => {
    const guard = new SsrfGuard(mode);
    expect(check(guard, 'ftp://files.example.com/answer.xml')).toBe(
      'refused ftp://files.example.com/answer.xml: callbacks go only to http: and https: URLs, not ftp:',
    );
    expect(check(guard, 'file:///etc/passwd')).toMatch(/not file:$/);
    expect(check(guard, 'https://example.com/answer')).toBeNull();
  });
});

describe('SsrfGuard in dev mode', () => {
  it('allows loopback and private destinations, by address and by name', () => {
    const guard = new SsrfGuard('dev');
    for (const url of ['http://127.0.0.1:3000/a', 'http://localhost/a', 'http://10.1.2.3/a', 'http://[::1]:8080/a', 'http://192.168.0.10/a']) {
      expect(check(guard, url)).toBeNull();
    }
  });

  it('uses the system resolver unchanged', () => {
    expect(new SsrfGuard('dev').lookup).toBeNull();
  });
});

describe('SsrfGuard in strict mode: literal addresses', () => {
  const guard = new SsrfGuard('strict');

  it.each([
    ['http://127.0.0.1/', '127.0.0.1: a loopback address'],
    ['http://127.45.0.9:8080/', '127.45.0.9: a loopback address'],
    ['http://2130706433/', '127.0.0.1: a loopback address'],
    ['http://[::1]/', '::1: a loopback address'],
    ['http://10.0.0.5/', '10.0.0.5: a private address'],
    ['http://172.16.4.4/', '172.16.4.4: a private address'],
    ['http://172.31.255.255/', '172.31.255.255: a private address'],
    ['http://192.168.1.1/', '192.168.1.1: a private address'],
    ['http://[fc00::1]/', 'fc00::1: a private (unique local) address'],
    ['http://169.254.10.10/', '169.254.10.10: a link-local address'],
    ['http://[fe80::1]/', 'fe80::1: a link-local address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254: a cloud metadata address'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254: a cloud metadata address'],
    ['http://0.0.0.0/', '0.0.0.0: the unspecified address'],
    ['http://[::]/', '::: the unspecified address'],
    ['http://100.64.0.1/', '100.64.0.1: a carrier-grade NAT address'],
    ['http://224.0.0.1/', '224.0.0.1: a multicast address'],
    ['http://[ff02::1]/', 'ff02::1: a multicast address'],
    ['http://255.255.255.255/', '255.255.255.255: the broadcast address'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1: an IPv6 address embedding 127.0.0.1, a loopback address'],
    ['http://[::ffff:10.0.0.1]/', '::ffff:a00:1: an IPv6 address embedding 10.0.0.1, a private address'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe: an IPv6 address embedding 169.254.169.254, a cloud metadata address'],
    ['http://[::127.0.0.1]/', '::7f00:1: a deprecated IPv4-compatible address'],
    ['http://[2002:7f00:1::]/', '2002:7f00:1::: an IPv6 address embedding 127.0.0.1, a loopback address'],
  ])('refuses %s', (url, reason) => {
    expect(check(guard, url)).toBe(`strict SSRF profile refuses ${reason}`);
  });

  it('allows public addresses', () => {
    for (const url of ['http://8.8.8.8/', 'https://93.184.215.14:8443/x', 'http://[2606:4700:4700::1111]/', 'http://[::ffff:8.8.8.8]/']) {
      expect(check(guard, url)).toBeNull();
    }
  });

  it('refuses the metadata service by name and leaves other names to the DNS check', () => {
    expect(check(guard, 'http://metadata.google.internal/computeMetadata/v1/')).toBe(
      'strict SSRF profile refuses metadata.google.internal: a cloud metadata service',
    );
    expect(check(guard, 'https://example.com/answer')).toBeNull();
    expect(check(guard, 'http://localhost:3000/answer')).toBeNull();
  });
});

describe('SsrfGuard in strict mode: after DNS resolution', () => {
  const guard = new SsrfGuard('strict');

  it('refuses a name that resolves to loopback, naming the name and the address', async () => {
    const { error } = await lookup(guard, 'localhost', false);
    expect(error).toBeInstanceOf(SsrfRefusedError);
    expect(error?.message).toMatch(/^strict SSRF profile refuses localhost: it resolves to (127\.0\.0\.1|::1), a loopback address$/);
  });

  it('refuses in the all-addresses form net.connect uses for Happy Eyeballs', async () => {
    const { error } = await lookup(guard, 'localhost', true);
    expect(error).toBeInstanceOf(SsrfRefusedError);
  });

  it('answers a public address in the form that was asked for', async () => {
    // A literal resolves without a DNS query, so this stays offline.
    expect(await lookup(guard, '8.8.8.8', false)).toEqual({ error: null, address: '8.8.8.8' });
    expect(await lookup(guard, '8.8.8.8', true)).toEqual({ error: null, address: [{ address: '8.8.8.8', family: 4 }] });
  });

  it('passes a DNS failure through unchanged', async () => {
    const { error } = await lookup(guard, 'no-such-host.invalid', false);
    expect(error).not.toBeInstanceOf(SsrfRefusedError);
    expect((error as NodeJS.ErrnoException | null)?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });
});

describe('SsrfGuard allow list', () => {
  it('lets listed addresses and ranges through strict mode and nothing else', async () => {
    const guard = new SsrfGuard('strict', { allow: ['10.20.0.0/16', '127.0.0.1'] });
    expect(check(guard, 'http://10.20.3.4/')).toBeNull();
    expect(check(guard, 'http://127.0.0.1:8080/')).toBeNull();
    expect(check(guard, 'http://10.21.0.1/')).toBe('strict SSRF profile refuses 10.21.0.1: a private address');
    expect(check(guard, 'http://127.0.0.2/')).toBe('strict SSRF profile refuses 127.0.0.2: a loopback address');
    expect(check(guard, 'gopher://10.20.3.4/')).toMatch(/^refused gopher:/);
    expect((await lookup(guard, '127.0.0.1', false)).error).toBeNull();
  });

  it('rejects an entry that is neither an address nor a range', () => {
    expect(() => new SsrfGuard('strict', { allow: ['intranet.local'] })).toThrow(/"intranet.local" is neither an IP address nor a CIDR range/);
  });
});
