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
