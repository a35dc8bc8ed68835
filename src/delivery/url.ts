/** The URL as it goes on the wire: carriers never send the policy fragment. */
export function stripFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}
