import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import type { CallSummary } from '../api/types.js';
import { InputField } from '../components/field.js';

type Control = 'keypad' | 'speech' | 'ringing' | 'hangup';
type RejectCause = 'busy' | 'no-answer' | 'rejected' | 'failed';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const CAUSES: ReadonlyArray<readonly [RejectCause, string]> = [
  ['busy', 'Busy'],
  ['no-answer', 'No answer'],
  ['rejected', 'Rejected'],
  ['failed', 'Failed'],
];

/** The API's refusal, by the control that asked: a 409 says why the call could not take it now. */
function Refusal({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="field-error" role="alert">
      {error.message}
      {error.fix ? ` (${error.fix})` : ''}
    </p>
  );
}

/**
 * Which far-end controls the call can take in its state, as the call engine decides: answer and reject
 * while an outbound call rings (an inbound call's far end is the caller, who has nothing to answer);
 * keys and words once answered; hang up once answered, or while an inbound call rings (the caller gives
 * up). A call still being set up takes none.
 */
export function availableControls(call: Pick<CallSummary, 'status' | 'direction'>): ReadonlySet<Control> {
  if (call.status === 'in-progress') return new Set<Control>(['keypad', 'speech', 'hangup']);
  if (call.status !== 'ringing') return new Set();
  return new Set<Control>(call.direction === 'outbound' ? ['ringing'] : ['hangup']);
}

function stateNotice(call: CallSummary): string {
  if (call.status === 'in-progress') return 'press keys, speak or hang up.';
  if (call.status === 'ringing') return call.direction === 'outbound' ? 'answer or reject it.' : 'the caller can hang up before the app answers.';
  return 'wait for it to ring (move the clock on).';
}

/**
 * The far end of a live call, by hand (POST /calls/{uuid}/…). Only the controls the call's state allows
 * are enabled; the API still decides (the page may be a step behind the call) and its refusal shows next
 * to the control that was used.
 */
export function CallControls({ call, onActed }: { call: CallSummary; onActed: () => void }) {
  const [phrase, setPhrase] = useState('');
  const [cause, setCause] = useState<RejectCause>('busy');
  const [pressed, setPressed] = useState('');
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<{ control: Control; error: ApiError } | null>(null);

  const act = async (control: Control, action: string, body?: unknown): Promise<boolean> => {
    setBusy(true);
    setRefused(null);
    try {
      await api('POST', `/calls/${encodeURIComponent(call.uuid)}/${action}`, body);
      onActed();
      return true;
    } catch (failure) {
      if (failure instanceof ApiError) setRefused({ control, error: failure });
      else throw failure;
      return false;
    } finally {
      setBusy(false);
    }
  };
  const errorAt = (control: Control): ApiError | null => (refused?.control === control ? refused.error : null);
  const allowed = availableControls(call);
  const off = (control: Control): boolean => busy || !allowed.has(control);

  const press = async (key: string): Promise<void> => {
    if (await act('keypad', 'digits', { digits: key })) setPressed((keys) => `${keys}${key}`.slice(-32));
  };
  const say = async (): Promise<void> => {
    if (await act('speech', 'speech', { text: phrase })) setPhrase('');
  };

  return (
    <section class="far-end call-controls" aria-labelledby="call-far-end-title">
      <h2 id="call-far-end-title">Far end</h2>
      <p class="notice">
        The call is <strong data-testid="far-end-status">{call.status}</strong>: {stateNotice(call)}
      </p>
      <div class="call-controls-grid">
        <fieldset class="keypad-group">
          <legend>Keypad</legend>
          <div class="keypad" role="group" aria-label="Keypad">
            {KEYS.map((key) => (
              <button key={key} type="button" disabled={off('keypad')} onClick={() => void press(key)} aria-label={`Press ${key}`}>
                {key}
              </button>
            ))}
          </div>
          <p class="notice" aria-live="polite">
            {pressed ? `Pressed: ${pressed}` : 'Each key is sent as it is pressed.'}
          </p>
          <Refusal error={errorAt('keypad')} />
        </fieldset>

        <form
          class="speech-form"
          aria-label="Say a phrase"
          onSubmit={(e) => {
            e.preventDefault();
            void say();
          }}
        >
          <InputField id="call-phrase" label="Phrase" value={phrase} onInput={setPhrase} placeholder="I'd like to speak to sales" class="grow" disabled={!allowed.has('speech')} error={errorAt('speech')?.message ?? null} />
          <button type="submit" disabled={off('speech') || phrase.trim() === ''}>
            Say
          </button>
        </form>

        <fieldset>
          <legend>Ringing</legend>
          <div class="form-row">
            <button type="button" disabled={off('ringing')} onClick={() => void act('ringing', 'answer')}>
              Answer
            </button>
            <div class="field">
              <label for="call-reject-cause">Reject as</label>
              <select id="call-reject-cause" disabled={off('ringing')} value={cause} onChange={(e) => setCause(e.currentTarget.value as RejectCause)}>
                {CAUSES.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" disabled={off('ringing')} onClick={() => void act('ringing', 'reject', { cause })}>
              Reject
            </button>
          </div>
          <Refusal error={errorAt('ringing')} />
        </fieldset>

        <div>
          <button type="button" class="danger" disabled={off('hangup')} onClick={() => void act('hangup', 'hangup')}>
            Hang up
          </button>
          <Refusal error={errorAt('hangup')} />
        </div>
      </div>
    </section>
  );
}
