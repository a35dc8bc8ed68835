import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { request as send } from 'undici';

/**
 * What forwarding needs to know about a call or a message: whether it runs here (a live call, a
 * message whose next step waits on this node's timer), else which live node runs it.
 */
export interface OwnerLocator {
  /** This process runs the call or drives the message. */
  runs(uuid: string): boolean;
  /** The live node running it when it is another one; null when none does. */
  remoteOwner(uuid: string): Promise<{ nodeId: string; url: string } | null>;
  /** Names this node on the requests it forwards. */
  readonly nodeId: string;
}

/** Set on a forwarded request: the node receiving it answers itself, so a request is forwarded once at most. */
export const FORWARDED_HEADER = 'x-hookline-forwarded-by';

/**
 * The requests about one live call, which only the process running it can answer: the control API's
 * far-end actions and timeline, the Plivo API's call resource with its Play, Speak, DTMF and Record
 * (and a call request's cancel, whose request uuid is the call's uuid), and the LaML call resource
 * (fetch, and the update that redirects or ends it). A B leg is a call of its own here. Also the far
 * end's move of a message, which the node driving the message makes, so its script stops there.
 */
const OWNED_REQUESTS = [
  /^(?:\/api\/laml)?\/2010-04-01\/Accounts\/[^/]+\/Calls\/([^/?#.]+)(?:\.json)?\/?(?:[?#]|$)/,
  /^\/hookline\/v1\/calls\/([^/?#]+)\/(?:digits|speech|answer|reject|hangup|timeline)\/?(?:[?#]|$)/,
  /^\/v1\/Account\/[^/]+\/Call\/([^/?#]+)\/?(?:(?:Play|Speak|DTMF|Record)\/?)?(?:[?#]|$)/,
  /^\/v1\/Account\/[^/]+\/Request\/([^/?#]+)\/?(?:[?#]|$)/,
  /^\/hookline\/v1\/messages\/([^/?#]+)\/status\/?(?:[?#]|$)/,
];

/** Headers about one hop of the connection, which a proxy does not pass on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/** The call (or message) a request is about, when it is about one live call (or a message's far end). */
export function ownedOfRequest(url: string): string | null {
  for (const pattern of OWNED_REQUESTS) {
    const match = pattern.exec(url);
    if (match?.[1]) return decodeURIComponent(match[1]);
  }
  return null;
}

/**
 * On a shared store, a request about a call (or a message) another node runs is passed to that node as it came
 * (method, path, headers, body) and its answer passed back: the owner authenticates it and answers as
 * if asked directly. Runs before the body is read, so the body streams through untouched.
 */
export function forwardToOwner(locator: OwnerLocator, logger: Logger): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers[FORWARDED_HEADER] !== undefined) return;
    const uuid = ownedOfRequest(request.url);
    if (uuid === null || locator.runs(uuid)) return;
    const owner = await locator.remoteOwner(uuid);
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
      logger.warn({ err: error, uuid, owner: owner.nodeId, ownerUrl: owner.url }, 'the node running a call or message did not answer a forwarded request');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: `the hookline node running ${uuid} (${owner.url}) did not answer; if it has stopped, another node takes it over once its lease runs out` });
    }
    const body = Buffer.from(await answer.body.arrayBuffer());
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'content-length') reply.header(name, value);
    }
    return reply.send(body);
  };
}
