/**
 * The control token, when hookline runs with one (bound beyond loopback). Kept in sessionStorage: it
 * lives as long as the tab, survives a reload, and is not written anywhere that outlasts the session.
 */
const KEY = 'hookline.controlToken';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    // Storage can be disabled by the browser's privacy settings; the token then lasts until reload.
    return null;
  }
}

let memory: string | null = null;

export function controlToken(): string | null {
  return storage()?.getItem(KEY) ?? memory;
}

export function setControlToken(token: string | null): void {
  memory = token;
  const store = storage();
  if (!store) return;
  if (token === null) store.removeItem(KEY);
  else store.setItem(KEY, token);
}

/**
 * `#token=…` in the address (a link someone shared, or one typed from hookline's banner) is taken once
 * into the session and removed from the address bar; fragments never reach a server or a Referer.
 */
export function takeTokenFromAddress(): void {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  let token: string;
  try {
    token = decodeURIComponent(match[1]);
  } catch {
    return; // Broken percent-encoding: the prompt asks instead.
  }
  setControlToken(token);
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}
