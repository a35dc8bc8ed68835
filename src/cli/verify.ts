import { groupByName, isFormBody, type ReceivedParams } from '../signing/received-params.js';
import { verifyCallback, type VerifyResult } from '../signing/verify.js';
import type { Colors } from './colors.js';
import { parseHeader, parseParam } from './pairs.js';
import { parseMethod } from './sign.js';

export interface VerifyCommandInput {
  readonly url: string;
  readonly method: string;
  /** `NAME=VALUE` pairs; a repeated name becomes a list, as a parsed form body would. */
  readonly params: readonly string[];
  /** `Name: value` lines. */
  readonly headers: readonly string[];
  readonly token: string;
  readonly mainToken?: string;
  /** The raw body: needed for Standard Webhooks and LaML `bodySHA256`; a POST form body stands in for `--param`. */
  readonly body?: string;
  readonly nowSeconds?: number;
}

/** Checks a received callback's signature headers with the same code receivers import from `hookline/verify`. */
export function verifyCommand(input: VerifyCommandInput): VerifyResult {
  const method = parseMethod(input.method);
  const headers = groupByName(input.headers.map((line) => {
    const [name, value] = parseHeader(line);
    return [name.toLowerCase(), value] as const;
  }));
  return verifyCallback({
    method,
    url: input.url,
    params: method === 'GET' ? {} : paramsOf(input, headers),
    headers,
    token: input.token,
    mainToken: input.mainToken,
    body: input.body,
    nowSeconds: input.nowSeconds,
  });
}

function paramsOf(input: VerifyCommandInput, headers: ReceivedParams): ReceivedParams {
  const pairs = input.params.map(parseParam);
  if (pairs.length === 0 && input.body !== undefined && isFormBody(headers['content-type'], input.body)) {
    pairs.push(...new URLSearchParams(input.body).entries());
  }
  return groupByName(pairs);
}

/** One line per header checked, then the verdict. */
export function formatVerifyResult(result: VerifyResult, palette: Colors): string {
  const lines = result.checks.map((check) => (check.valid ? palette.green(`✓ ${check.header}`) : palette.red(`✗ ${check.header}`)));
  const scheme = result.scheme ? ` (${result.scheme})` : '';
  lines.push(result.valid ? palette.green(`valid${scheme}`) : palette.red(`invalid${scheme}: ${result.reason ?? 'no signature matched'}`));
  return `${lines.join('\n')}\n`;
}
