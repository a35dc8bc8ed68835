import type { AttemptOutcome, DeliveryStatus } from './api/types.js';

/**
 * One formatter for the page's life: `toLocaleTimeString` builds a new one on every call, which the
 * profile of a 1,000 events/s stream showed as the page's largest cost (every visible row, every frame).
 */
const TIME_OF_DAY = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const DAY = new Intl.DateTimeFormat();

/** Clock time as the user's local time of day with milliseconds (virtual time under --clock virtual). */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return '—';
  return `${TIME_OF_DAY.format(date)}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

export function clockDateTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '—' : `${DAY.format(date)} ${clockTime(ms)}`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** The response status when there was one, else what went wrong, in a word or two. */
export function outcomeLabel(outcome: AttemptOutcome | null): string {
  if (outcome === null) return '—';
  if ('status' in outcome) return String(outcome.status);
  return outcome.kind.replace('-', ' ');
}

export function outcomeDetail(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case 'success':
      return `answered ${outcome.status}`;
    case 'http-status':
      return `answered ${outcome.status}, which counts as a failure`;
    case 'response-too-large':
      return `answered ${outcome.status} with a body over ${outcome.limitBytes} bytes`;
    case 'partial-response':
    case 'too-many-redirects':
      return `${outcome.kind.replace(/-/g, ' ')} after ${outcome.status}: ${outcome.detail}`;
    default:
      return `${outcome.kind.replace(/-/g, ' ')}: ${outcome.detail}`;
  }
}

export const STATUS_LABELS: Readonly<Record<DeliveryStatus, string>> = {
  pending: 'pending',
  'in-flight': 'in flight',
  succeeded: 'succeeded',
  failed: 'failed',
};
