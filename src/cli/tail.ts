import type { DeliveryEvent } from '../delivery/events.js';
import type { Attempt } from '../domain/delivery.js';
import type { AttemptOutcome } from '../domain/outcome.js';
import { colors, type Colors } from './colors.js';
import { authHeaders, controlUrl, type ControlTarget } from './control-client.js';
import type { CliIo } from './io.js';
import { clockTime } from './logger.js';
import type { CommandResult } from './result.js';
import { onStopSignal } from './signals.js';
import { followEventStream, type SseMessage } from './sse.js';

export interface TailInput extends ControlTarget {
  /** Only this account's events. */
  readonly account?: string;
  /** Print every event as one JSON line instead of one line per attempt. */
  readonly json?: boolean;
  /** Wait before reconnecting (the server's `retry:` otherwise). */
  readonly retryMs?: number;
}

/**
 * `hookline tail`: follows the control API's event stream, one line per attempt, until SIGINT/SIGTERM.
 * Status lines (connected, reconnecting) go to stderr, so stdout holds only events.
 */
export async function tail(input: TailInput, io: CliIo): Promise<CommandResult> {
  const palette = colors(io.color);
  const aborter = new AbortController();
  const query = input.account ? `?accountId=${encodeURIComponent(input.account)}` : '';
  const streamUrl = controlUrl(input, `/events${query}`);
  const following = followEventStream({
    url: streamUrl,
    headers: authHeaders(input),
    signal: aborter.signal,
    retryMs: input.retryMs,
    onMessage: (message) => {
      const event = parseEvent(message);
      if (!event || (input.account && accountOf(event) !== input.account)) return;
      if (input.json) io.out(`${JSON.stringify(event)}\n`);
      else if (event.type === 'attempt') io.out(`${formatAttempt(event.attempt, palette)}\n`);
    },
    onOpen: (reconnected) => io.err(palette.dim(`${reconnected ? 'reconnected to' : 'following'} ${streamUrl} (Ctrl-C to stop)\n`)),
    onDrop: (reason, retryInMs) => io.err(palette.dim(`connection lost (${reason}); reconnecting in ${seconds(retryInMs)}…\n`)),
  });
  const watch = onStopSignal(io, async () => {
    aborter.abort();
    await following.catch(() => undefined);
    return 0;
  });
  // A refused stream (bad token, not a hookline) ends tail with the reason instead of retrying forever.
  const running = Promise.race([
    watch.stopped,
    following.then(
      () => 0,
      (error: unknown) => {
        watch.dispose();
        io.err(`hookline tail: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      },
    ),
  ]);
  return { exitCode: 0, running };
}

function parseEvent(message: SseMessage): DeliveryEvent | null {
  if (message.event !== 'attempt' && message.event !== 'delivery' && message.event !== 'message') return null;
  try {
    const event = JSON.parse(message.data) as DeliveryEvent;
    return event.type === 'attempt' || event.type === 'delivery' ? event : null;
  } catch {
    return null;
  }
}

function accountOf(event: DeliveryEvent): string {
  return event.type === 'delivery' ? event.delivery.accountId : event.accountId;
}

/**
 * `12:00:01  #2  POST http://app/hook  500  120 ms  retry at 12:02:01  <delivery id>`: green when
 * it succeeded, yellow when a retry is scheduled, red when the delivery gave up. Times are hookline's
 * clock, so under `--clock virtual` they follow the virtual time, matching the retry schedule.
 */
export function formatAttempt(attempt: Attempt, palette: Colors): string {
  const succeeded = attempt.outcome.kind === 'success';
  const retrying = !succeeded && attempt.nextAttemptAt !== null;
  const colour = succeeded ? palette.green : retrying ? palette.yellow : palette.red;
  const next = succeeded ? '' : retrying ? `  retry at ${clockTime(attempt.nextAttemptAt as number)}` : '  gave up';
  const line = `${clockTime(attempt.startedAt)}  #${attempt.number}  ${attempt.request.method} ${attempt.request.url}  ${outcomeText(attempt.outcome)}  ${Math.round(attempt.durationMs)} ms${next}`;
  return `${colour(line)}  ${palette.dim(attempt.deliveryId)}`;
}

function outcomeText(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case 'success':
    case 'http-status':
      return String(outcome.status);
    case 'partial-response':
    case 'response-too-large':
    case 'too-many-redirects':
      return `${outcome.kind} (${outcome.status})`;
    default:
      return outcome.kind;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
