import { useState } from 'preact/hooks';
import { setControlToken } from '../api/token.js';
import { InputField } from './field.js';

/**
 * Asked for when the control API answers 401: hookline bound beyond loopback requires the token it
 * printed at start. The form posts nowhere; the token is checked by the next request.
 */
export function TokenPrompt({ rejected, onSaved }: { rejected: boolean; onSaved: () => void }) {
  const [token, setToken] = useState('');
  const submit = (event: Event): void => {
    event.preventDefault();
    if (!token.trim()) return;
    setControlToken(token.trim());
    onSaved();
  };
  return (
    <section class="token-prompt" aria-labelledby="token-title">
      <h2 id="token-title">Control token</h2>
      <p>
        hookline listens beyond loopback, so its control API needs the token it printed when it started (or the one given with{' '}
        <code>--control-token</code>). It is kept for this tab only.
      </p>
      <form onSubmit={submit}>
        <InputField
          id="control-token"
          label="Token"
          type="password"
          value={token}
          onInput={setToken}
          autoFocus
          error={rejected ? 'That token was refused.' : null}
        />
        <button type="submit">Use token</button>
      </form>
    </section>
  );
}
