import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import type { Attempt, SignatureCheck } from '../api/types.js';
import { errorFor, InputField } from '../components/field.js';

/**
 * Checks an attempt's signature headers with a token the user pastes. hookline runs its own
 * receiver-side verifier on the request as recorded, so the page holds no signing code of its own.
 */
export function SignatureCheckForm({ deliveryId, attempts }: { deliveryId: string; attempts: readonly Attempt[] }) {
  const latest = attempts[attempts.length - 1]?.number ?? 1;
  const [attemptNumber, setAttemptNumber] = useState(latest);
  const [token, setToken] = useState('');
  const [result, setResult] = useState<SignatureCheck | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setResult(null);
    setError(null);
    try {
      setResult(await api<SignatureCheck>('POST', `/deliveries/${encodeURIComponent(deliveryId)}/attempts/${attemptNumber}/verify`, { token }));
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    }
  };

  return (
    <form class="verify-form" onSubmit={(e) => void submit(e)} aria-labelledby="verify-title">
      <h2 id="verify-title">Verify the signature</h2>
      <div class="form-row">
        <div class="field">
          <label for="verify-attempt">Attempt</label>
          <select id="verify-attempt" value={String(attemptNumber)} onChange={(e) => setAttemptNumber(Number(e.currentTarget.value))}>
            {attempts.map((attempt) => (
              <option key={attempt.number} value={String(attempt.number)}>
                #{attempt.number}
              </option>
            ))}
          </select>
        </div>
        <InputField
          id="verify-token"
          class="grow"
          label="Auth token or signing key"
          type="password"
          value={token}
          onInput={setToken}
          error={errorFor(error, 'token')}
        />
        <button type="submit" disabled={attempts.length === 0}>
          Verify
        </button>
      </div>
      {error && errorFor(error, 'token') === null && (
        <p class="error" role="alert">
          {error.message}: {error.fix}
        </p>
      )}
      {result && (
        <div class={`verify-result ${result.valid ? 'valid' : 'invalid'}`} role="status">
          <p>
            <strong>{result.valid ? 'Valid' : 'Not valid'}</strong>
            {result.scheme && ` (${result.scheme})`}
            {result.reason && `: ${result.reason}`}
          </p>
          <ul>
            {result.checks.map((check) => (
              <li key={check.header}>
                <span aria-hidden="true">{check.valid ? '✓' : '✗'}</span> {check.header} {check.valid ? 'matches' : 'does not match'}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
