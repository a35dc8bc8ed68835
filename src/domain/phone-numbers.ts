/**
 * Phone numbers as the carriers take them: E.164 (a country code and subscriber number, 7 to 15 digits,
 * no leading zero), with or without the `+`. Plivo lists and signs them as digits only.
 */
export const E164 = /^\+?[1-9]\d{6,14}$/;

export function isE164(number: string): boolean {
  return E164.test(number);
}

/** Digits only: the form Plivo lists numbers in, and the key they are stored under. */
export function digitsOf(number: string): string {
  return number.trim().replace(/^\+/, '');
}

/** Plivo's `dst`: several destinations joined by `<`, each as digits. */
export function splitDestinations(dst: string): string[] {
  return dst.split('<').map(digitsOf);
}
