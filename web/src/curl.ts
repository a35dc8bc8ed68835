/** Quotes for a POSIX shell: single quotes, with each embedded quote closed, escaped and reopened. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Headers curl computes itself; copying them would make the command lie when the body is edited. */
const COMPUTED = new Set(['content-length', 'host', 'connection']);

/** The request as a curl command that sends the same bytes, signature headers included. */
export function curlCommand(request: { method: string; url: string; headers: Record<string, string>; body: string | null }): string {
  const parts = ['curl', '-X', request.method, shellQuote(request.url)];
  for (const [name, value] of Object.entries(request.headers)) {
    if (!COMPUTED.has(name.toLowerCase())) parts.push('-H', shellQuote(`${name}: ${value}`));
  }
  if (request.body !== null && request.body !== '') parts.push('--data-raw', shellQuote(request.body));
  return parts.join(' ');
}
