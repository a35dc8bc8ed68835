import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { request as send } from 'undici';

/** What forwarding needs to know about a call: whether it runs here, else which live node runs it. */
export interface CallLocator {
  /** This process runs the call. */
  runs(callUuid: string): boolean;
  /** The live node running the call when it is another one; null when none does. */
  remoteOwner(callUuid: string): Promise<{ nodeId: string; url: string } | null>;
  /** Names this node on the requests it forwards. */
  readonly nodeId: string;
}

/** Set on a forwarded request: the node receiving it answers itself, so a request is forwarded once at most. */
export const FORWARDED_HEADER = 'x-hookline-forwarded-by';

/**
 * The requests about one live call, which only the process running it can answer: the control API's
 * far-end actions and timeline, the Plivo API's call resource with its Play, Speak, DTMF and Record
 * (and a call request's cancel, whose request uuid is the call's uuid), and the LaML call resource
 * (fetch, and the update that redirects or ends it).
 */
const CALL_REQUESTS = [
  /^(?:\/api\/laml)?\/2010-04-01\/Accounts\/[^/]+\/Calls\/([^/?#.]+)(?:\.json)?\/?(?:[?#]|$)/,
  /^\/hookline\/v1\/calls\/([^/?#]+)\/(?:digits|speech|answer|reject|hangup|timeline)\/?(?:[?#]|$)/,
  /^\/v1\/Account\/[^/]+\/Call\/([^/?#]+)\/?(?:(?:Play|Speak|DTMF|Record)\/?)?(?:[?#]|$)/,
  /^\/v1\/Account\/[^/]+\/Request\/([^/?#]+)\/?(?:[?#]|$)/,
];

/** Headers about one hop of the connection, which a proxy does not pass on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/** The call a request is about, when it is about one live call. */
export function callOfRequest(url: string): string | null {
  for (const pattern of CALL_REQUESTS) {
    const match = pattern.exec(url);
    if (match?.[1]) return decodeURIComponent(match[1]);
  }
  return null;
}

/**
 * On a shared store, a request about a call another node runs is passed to that node as it came
 * (method, path, headers, body) and its answer passed back: the owner authenticates it and answers as
 * if asked directly. Runs before the body is read, so the body streams through untouched.
 */
export function forwardToCallOwner(locator: CallLocator, logger: Logger): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers[FORWARDED_HEADER] !== undefined) return;
    const callUuid = callOfRequest(request.url);
    if (callUuid === null || locator.runs(callUuid)) return;
    const owner = await locator.remoteOwner(callUuid);
    if (!owner) return;
    const headers: Record<string, string | string[]> = { [FORWARDED_HEADER]: locator.nodeId };
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(new URL(request.url, owner.url), {
        method: request.method as 'GET',
        headers,
        ...(hasBody ? { body: request.raw } : {}),
      });
    } catch (error) {
      logger.warn({ err: error, callUuid, owner: owner.nodeId, ownerUrl: owner.url }, 'the node running a call did not answer a forwarded request');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: `the hookline node running call ${callUuid} (${owner.url}) did not answer; if it has stopped, the call ends once its lease runs out` });
    }
    const body = Buffer.from(await answer.body.arrayBuffer());
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'content-length') reply.header(name, value);
    }
    return reply.send(body);
  };
}
