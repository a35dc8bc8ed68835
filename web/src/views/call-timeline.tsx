import type { CallEvent } from '../api/types.js';
import { clockDateTime } from '../format.js';
import { href } from '../router.js';

/** `+1.250 s` from the call's first step: a call is read as a sequence, so offsets say more than times of day. */
export function offset(ms: number): string {
  return `+${(Math.max(0, ms) / 1000).toFixed(3)} s`;
}

const TYPE_LABELS: Readonly<Record<CallEvent['type'], string>> = {
  request: 'API request',
  status: 'status',
  document: 'document',
  instruction: 'element',
  'far-end': 'far end',
  callback: 'callback',
  hangup: 'hangup',
  error: 'error',
  warning: 'warning',
  message: 'message',
  recording: 'recording',
  dial: 'dial',
};

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * A recording on hookline's own media route plays from the page's origin (the page's content policy
 * allows no other), whatever public URL hookline was told to put in callbacks.
 */
export function playableUrl(recordUrl: string): string {
  try {
    const url = new URL(recordUrl, window.location.href);
    return url.pathname.startsWith('/media/recordings/') ? url.pathname : url.href;
  } catch {
    return recordUrl;
  }
}

function isoOf(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * What a step adds to its one-line message (which already names the element with its line and column,
 * the URL, the hangup cause): the delivery behind a document, and a recording to play.
 */
function Details({ event }: { event: CallEvent }) {
  const deliveryId = text(event.data?.deliveryId);
  const recordUrl = text(event.data?.recordUrl);
  if (!deliveryId && !recordUrl) return null;
  return (
    <p class="step-detail">
      {deliveryId && <a href={href('deliveries', deliveryId)}>request and answer</a>}
      {recordUrl && (
        <>
          <audio controls preload="none" src={playableUrl(recordUrl)} aria-label={`Recording ${text(event.data?.recordingId) ?? ''}`.trim()} />{' '}
          <a href={playableUrl(recordUrl)} download>
            download
          </a>
        </>
      )}
    </p>
  );
}

/** The call's steps top to bottom, each with its offset on hookline's clock. */
export function CallTimeline({ events }: { events: readonly CallEvent[] }) {
  if (events.length === 0) return <p class="empty">No steps yet.</p>;
  const start = events[0]?.at ?? 0;
  return (
    <ol class="timeline call-timeline" aria-label="Call timeline">
      {events.map((event, index) => (
        <li key={index} class={`step step-${event.type}`} data-step={event.type}>
          <time dateTime={isoOf(event.at)} title={clockDateTime(event.at)}>
            {offset(event.at - start)}
          </time>{' '}
          <span class="step-type">{TYPE_LABELS[event.type] ?? event.type}</span> <span class="step-message">{event.message}</span>
          <Details event={event} />
        </li>
      ))}
    </ol>
  );
}
