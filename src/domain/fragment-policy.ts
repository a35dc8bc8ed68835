import { InputError } from './errors.js';
import type { DeliveryPolicy, PolicyProfile, PolicyValueSource, ResolvedCallbackUrl, RetryTrigger } from './policy.js';
import { RETRY_TRIGGERS } from './policy.js';
import { checkHttpUrl, httpUrlAsSent } from './http-url.js';

/** The operator's settings that shape the status-callback profiles (from config). */
export interface PolicySettings {
  /** Plivo: a messaging/verify status callback that has not answered in 8 s has failed. */
  readonly statusTimeoutMs: number;
  /** Plivo: retries at +60 s, +120 s and +240 s, each after the previous attempt. */
  readonly statusRetryDelaysMs: readonly number[];
}

export const DEFAULT_POLICY_SETTINGS: PolicySettings = {
  statusTimeoutMs: 8_000,
  statusRetryDelaysMs: [60_000, 120_000, 240_000],
};

type TunableKey = 'ct' | 'rt' | 'tt' | 'rc' | 'rp';

interface Range {
  readonly min: number;
  readonly max: number;
}

/** How a profile reads a fragment: which keys it knows, what they mean, and their ranges. */
interface FragmentRules {
  /** Fragment key → the tunable it sets (SignalWire's `ot` is Plivo's and Twilio's `ct`). */
  readonly keys: Readonly<Record<string, TunableKey>>;
  /** Keys accepted and ignored, with why (edge regions, SNI: meaningless for a local engine). */
  readonly ignored: Readonly<Record<string, string>>;
  readonly ranges: Readonly<Record<Exclude<TunableKey, 'rp'>, Range>>;
}

interface ProfileDefaults {
  readonly ct: number;
  readonly rt: number;
  readonly tt: number;
  readonly rp: readonly RetryTrigger[];
  /** Retries after the first attempt. */
  readonly rc: number;
  /** Delay before retry n (0-based); `rc` keeps the first rc of them, extending by doubling. */
  readonly retryDelaysMs: readonly number[];
  readonly maxRedirects: number;
  readonly maxResponseBytes: number;
  readonly maxRetryAfterMs: number;
  /** Null when the carrier documents no fragment tuning for this kind of URL. */
  readonly fragment: FragmentRules | null;
}

// Plivo, voice/concepts/callback-configurations: ct 100–10000, rt 100–40000, tt 100–55000, rc 0–5.
const PLIVO_RULES: FragmentRules = {
  keys: { ct: 'ct', rt: 'rt', tt: 'tt', rc: 'rc', rp: 'rp' },
  ignored: { er: 'edge region: hookline sends from where it runs' },
  ranges: { ct: { min: 100, max: 10_000 }, rt: { min: 100, max: 40_000 }, tt: { min: 100, max: 55_000 }, rc: { min: 0, max: 5 } },
};

// SignalWire documents ot/rt/tt (rt and tt up to 15000); Twilio ct/rt/tt/rc/rp/e/sni with the same caps.
const LAML_RULES: FragmentRules = {
  keys: { ot: 'ct', ct: 'ct', rt: 'rt', tt: 'tt', rc: 'rc', rp: 'rp' },
  ignored: { e: 'egress edge: hookline sends from where it runs', sni: 'SNI is always sent by hookline' },
  ranges: { ct: { min: 100, max: 10_000 }, rt: { min: 100, max: 15_000 }, tt: { min: 100, max: 15_000 }, rc: { min: 0, max: 5 } },
};

const KIB = 1024;

function profileDefaults(profile: PolicyProfile, settings: PolicySettings): ProfileDefaults {
  switch (profile) {
    case 'plivo-voice':
      // No backoff is documented between voice retries: they follow at once, inside tt.
      return {
        ct: 2_000,
        rt: 40_000,
        tt: 55_000,
        rp: ['ct', 'rt'],
        rc: 1,
        retryDelaysMs: [0],
        maxRedirects: 3,
        maxResponseBytes: 100 * KIB,
        maxRetryAfterMs: 10_000,
        fragment: PLIVO_RULES,
      };
    case 'plivo-audio':
      // Audio URLs have fixed settings that no fragment changes (plivo.md §5, "Not applicable"): files up
      // to 10 MB.
      return {
        ct: 2_000,
        rt: 120_000,
        tt: 125_000,
        rp: RETRY_TRIGGERS,
        rc: 1,
        retryDelaysMs: [0],
        maxRedirects: 3,
        maxResponseBytes: 10 * KIB * KIB,
        maxRetryAfterMs: 10_000,
        fragment: null,
      };
    case 'plivo-messaging':
      // Any non-2xx answer or no answer in 8 s is retried (messaging/concepts/callbacks); the fragment
      // syntax is documented for voice URLs only, so it is not honoured here.
      return {
        ct: settings.statusTimeoutMs,
        rt: settings.statusTimeoutMs,
        tt: settings.statusTimeoutMs,
        rp: RETRY_TRIGGERS,
        rc: settings.statusRetryDelaysMs.length,
        retryDelaysMs: settings.statusRetryDelaysMs,
        maxRedirects: 0,
        maxResponseBytes: 64 * KIB,
        maxRetryAfterMs: 3_600_000,
        fragment: null,
      };
    case 'laml-document':
      // SignalWire: document webhooks are not retried; they go straight to the fallback URL.
      return {
        ct: 2_000,
        rt: 5_000,
        tt: 15_000,
        // Twilio's rc/rp are honoured when given; its documented rp default is `ct`.
        rp: ['ct'],
        rc: 0,
        retryDelaysMs: [0],
        maxRedirects: 3,
        maxResponseBytes: 64 * KIB,
        maxRetryAfterMs: 5_000,
        fragment: LAML_RULES,
      };
    case 'laml-status':
      // SignalWire: "will retry up to two more times — three attempts in total". Which failures and
      // what spacing are undocumented: connect failures, timeouts and 5xx, one then two seconds apart.
      return {
        ct: 2_000,
        rt: 5_000,
        tt: 15_000,
        rp: ['5xx', 'ct', 'rt'],
        rc: 2,
        retryDelaysMs: [1_000, 2_000],
        maxRedirects: 3,
        maxResponseBytes: 64 * KIB,
        maxRetryAfterMs: 60_000,
        fragment: LAML_RULES,
      };
    case 'standard':
      // Generic callbacks follow the carriers' status schedule and accept Plivo-style tuning.
      return {
        ct: Math.min(2_000, settings.statusTimeoutMs),
        rt: settings.statusTimeoutMs,
        tt: settings.statusTimeoutMs,
        rp: RETRY_TRIGGERS,
        rc: settings.statusRetryDelaysMs.length,
        retryDelaysMs: settings.statusRetryDelaysMs,
        maxRedirects: 0,
        maxResponseBytes: 64 * KIB,
        maxRetryAfterMs: 3_600_000,
        fragment: PLIVO_RULES,
      };
  }
}

/**
 * Split a callback URL into what goes on the wire and how to deliver it: the profile's defaults,
 * tuned by the URL fragment (`#ct=2000&rt=3000&rc=2&rp=5xx`). Out-of-range values are clamped and
 * unknown or malformed keys ignored, each leaving a warning; the fragment itself is never sent.
 * Throws InputError when the URL is not an absolute http(s) URL.
 */
export function resolveCallbackUrl(url: string, profile: PolicyProfile, settings: PolicySettings): ResolvedCallbackUrl {
  const hash = url.indexOf('#');
  const written = hash === -1 ? url : url.slice(0, hash);
  assertHttpUrl(written);
  const wireUrl = httpUrlAsSent(written);
  const fragment = hash === -1 ? '' : url.slice(hash + 1);
  const defaults = profileDefaults(profile, settings);
  const tuned = applyFragment(fragment, defaults);
  return {
    wireUrl,
    url: hash === -1 ? wireUrl : `${wireUrl}#${fragment}`,
    policy: buildPolicy(profile, defaults, tuned.values, tuned.sources),
    warnings: tuned.warnings,
  };
}

function assertHttpUrl(url: string): void {
  const check = checkHttpUrl(url);
  if (check.ok) return;
  if (check.reason === 'not-absolute') throw new InputError(`"${url}" is not an absolute URL`, 'url', 'give a full URL such as https://example.com/status');
  throw new InputError(`"${url}" uses ${check.protocol}, not http or https`, 'url', 'callbacks are sent over http or https only');
}

interface TunedValues {
  ct: number;
  rt: number;
  tt: number;
  rc: number;
  rp: readonly RetryTrigger[];
}

function applyFragment(
  fragment: string,
  defaults: ProfileDefaults,
): { values: TunedValues; sources: Record<TunableKey, PolicyValueSource>; warnings: string[] } {
  const values: TunedValues = { ct: defaults.ct, rt: defaults.rt, tt: defaults.tt, rc: defaults.rc, rp: defaults.rp };
  const sources: Record<TunableKey, PolicyValueSource> = { ct: 'default', rt: 'default', tt: 'default', rc: 'default', rp: 'default' };
  const warnings: string[] = [];
  if (fragment === '') return { values, sources, warnings };
  // The key as the user wrote it (SignalWire's `ot` sets ct), for the warnings.
  const named: Partial<Record<TunableKey, string>> = {};
  const rules = defaults.fragment;
  if (!rules) {
    warnings.push(`fragment "#${fragment}" ignored: this kind of callback takes no fragment tuning`);
    return { values, sources, warnings };
  }
  for (const pair of fragment.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const raw = eq === -1 ? '' : decodeFragmentValue(pair.slice(eq + 1));
    const ignoredWhy = rules.ignored[key];
    if (ignoredWhy !== undefined) continue;
    const target = rules.keys[key];
    if (target === undefined) {
      warnings.push(`fragment key "${key}" is unknown and was ignored`);
      continue;
    }
    if (target === 'rp') {
      const parsed = parseRetryPolicy(raw);
      warnings.push(...parsed.warnings.map((w) => `fragment ${key}: ${w}`));
      if (parsed.triggers) {
        values.rp = parsed.triggers;
        sources.rp = 'fragment';
      }
      continue;
    }
    if (!/^\d+$/.test(raw)) {
      warnings.push(`fragment ${key}="${raw}" is not a whole number and was ignored`);
      continue;
    }
    named[target] = key;
    const range = rules.ranges[target];
    const wanted = Number(raw);
    const clamped = Math.min(range.max, Math.max(range.min, wanted));
    values[target] = clamped;
    sources[target] = clamped === wanted ? 'fragment' : 'clamped';
    if (clamped !== wanted) warnings.push(`fragment ${key}=${wanted} is outside ${range.min}–${range.max}; using ${clamped}`);
  }
  warnings.push(...capturedByTotal(values, sources, named));
  return { values, sources, warnings };
}

/**
 * tt caps the whole attempt, so a connect or read timeout the fragment sets above it never takes
 * effect; said once, so a receiver given `#rt=20000` on an 8 s callback learns why it got 8 s.
 */
function capturedByTotal(values: TunedValues, sources: Record<TunableKey, PolicyValueSource>, named: Partial<Record<TunableKey, string>>): string[] {
  const warnings: string[] = [];
  for (const key of ['ct', 'rt'] as const) {
    if (sources[key] !== 'default' && values[key] > values.tt) {
      warnings.push(`fragment ${named[key] ?? key}=${values[key]} is longer than tt=${values.tt}, which ends the attempt first; raise tt to wait that long`);
    }
  }
  return warnings;
}

function decodeFragmentValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `rp=4xx,5xx` → triggers; `all` means every trigger. Null when nothing usable was given. */
function parseRetryPolicy(raw: string): { triggers: RetryTrigger[] | null; warnings: string[] } {
  const warnings: string[] = [];
  const triggers = new Set<RetryTrigger>();
  for (const item of raw.split(',').map((s) => s.trim().toLowerCase())) {
    if (item === '') continue;
    if (item === 'all') RETRY_TRIGGERS.forEach((t) => triggers.add(t));
    else if ((RETRY_TRIGGERS as readonly string[]).includes(item)) triggers.add(item as RetryTrigger);
    else warnings.push(`"${item}" is not one of 4xx, 5xx, ct, rt, all and was ignored`);
  }
  if (triggers.size === 0) {
    warnings.push('no usable retry policy given; the default was kept');
    return { triggers: null, warnings };
  }
  return { triggers: RETRY_TRIGGERS.filter((t) => triggers.has(t)), warnings };
}

function buildPolicy(
  profile: PolicyProfile,
  defaults: ProfileDefaults,
  values: TunedValues,
  sources: Record<TunableKey, PolicyValueSource>,
): DeliveryPolicy {
  return {
    profile,
    connectTimeoutMs: values.ct,
    readTimeoutMs: values.rt,
    totalTimeoutMs: values.tt,
    retryDelaysMs: retryDelays(defaults.retryDelaysMs, values.rc),
    retryOn: values.rp,
    maxRetryAfterMs: defaults.maxRetryAfterMs,
    maxRedirects: defaults.maxRedirects,
    maxResponseBytes: defaults.maxResponseBytes,
    sources,
  };
}

/** The first `count` delays of the schedule; past its end each delay doubles the last (0 stays 0). */
function retryDelays(schedule: readonly number[], count: number): number[] {
  const delays: number[] = [];
  for (let i = 0; i < count; i++) {
    const previous = delays[i - 1];
    delays.push(schedule[i] ?? (previous === undefined ? 1_000 : previous * 2));
  }
  return delays;
}
