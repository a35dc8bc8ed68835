import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import type { ClockState } from '../api/types.js';
import { clockDateTime, duration } from '../format.js';

const POLL_MS = 1000;

/**
 * hookline's clock, read every second. Under `--clock virtual` it is simulated time, moved only from
 * here or the control API; each advance answers once the work it made due (retries…) has settled.
 */
export function ClockBar({ enabled }: { enabled: boolean }) {
  const [clock, setClock] = useState<ClockState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const read = useCallback(async () => {
    try {
      setClock(await api<ClockState>('GET', '/clock'));
    } catch (failure) {
      if (!(failure instanceof ApiError && failure.unauthorized)) setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, []);

  useEffect(() => {
    if (!enabled) return;
    void read();
    const timer = setInterval(() => void read(), POLL_MS);
    return () => clearInterval(timer);
  }, [enabled, read]);

  const advance = async (ms: number): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setClock(await api<ClockState>('POST', '/clock/advance', { ms }));
    } catch (failure) {
      setError(failure instanceof ApiError ? `${failure.message}: ${failure.fix}` : String(failure));
    } finally {
      setBusy(false);
    }
  };

  if (clock === null) return <div class="clock-bar" aria-label="Clock" />;
  const untilNext = clock.nextTimerAt === null ? null : Math.max(0, clock.nextTimerAt - clock.now);
  return (
    <div class="clock-bar" role="group" aria-label="Clock">
      <span class="clock-kind">{clock.kind === 'virtual' ? 'virtual clock' : 'real clock'}</span>
      <time dateTime={clock.iso} data-testid="clock-now">
        {clockDateTime(clock.now)}
      </time>
      {clock.kind === 'virtual' && (
        <>
          <button type="button" disabled={busy} onClick={() => void advance(1000)}>
            +1 s
          </button>
          <button type="button" disabled={busy} onClick={() => void advance(60_000)}>
            +1 min
          </button>
          <button
            type="button"
            disabled={busy || untilNext === null}
            title={untilNext === null ? 'nothing is scheduled' : `the next retry or timer is due in ${duration(untilNext)}`}
            onClick={() => untilNext !== null && void advance(untilNext)}
          >
            Next due{untilNext === null ? '' : ` (+${duration(untilNext)})`}
          </button>
        </>
      )}
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
