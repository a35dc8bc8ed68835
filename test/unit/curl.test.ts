import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand } from '../../web/src/curl.js';

/** Runs the command in a real shell with `curl` replaced by a function that prints its arguments. */
function argumentsAsTheShellSeesThem(command: string): string[] {
  const output = execFileSync('bash', ['-c', `curl() { printf '%s\\0' "$@"; }; ${command}`], { encoding: 'utf8' });
  return output.split('\0').slice(0, -1);
}

describe('copy as curl', () => {
  it('passes method, URL, headers and body to curl byte for byte, quotes and all', () => {
    const body = "Text=it's%20$HOME%20`id`&Status=sent";
    const command = curlCommand({
      method: 'POST',
      url: "http://127.0.0.1:3000/status?who='me'&x=$PATH",
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Plivo-Signature-V3': 'a+b/c=', 'Content-Length': '42', Host: 'example' },
      body,
    });
    expect(argumentsAsTheShellSeesThem(command)).toEqual([
      '-X',
      'POST',
      "http://127.0.0.1:3000/status?who='me'&x=$PATH",
      '-H',
      'Content-Type: application/x-www-form-urlencoded',
      '-H',
      'X-Plivo-Signature-V3: a+b/c=',
      '--data-raw',
      body,
    ]);
  });

  it('sends no body for a GET', () => {
    expect(argumentsAsTheShellSeesThem(curlCommand({ method: 'GET', url: 'http://h/p?a=1', headers: {}, body: null }))).toEqual(['-X', 'GET', 'http://h/p?a=1']);
  });
});
