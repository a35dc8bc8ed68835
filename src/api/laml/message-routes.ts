import type { FastifyInstance } from 'fastify';
import { lamlAccountPath } from '../../domain/laml-call.js';
import { lamlMessageRecord } from '../../domain/laml-message.js';
import type { MessageService } from '../../engine/plivo/message-service.js';
import { accountOf } from './context.js';
import { notFound } from './errors.js';
import { parseCreateMessage } from './message-input.js';
import { formOf, listPage, optional, readPage, sidOf } from './params.js';

/**
 * LaML messages (laml.md §1.3): send with `Body` and/or `MediaUrl`, fetch, list. The lifecycle is the
 * shared message engine's; this door shows a message in SignalWire's shape and its callbacks are LaML's.
 */
export function lamlMessageRoutes(instance: FastifyInstance, messages: MessageService): void {
  for (const path of ['/Messages', '/Messages.json']) {
    instance.post(path, async (request, reply) => {
      const account = accountOf(request);
      const [sent] = await messages.send(parseCreateMessage(account.id, formOf(request.body)));
      return reply.code(201).send(sent ? lamlMessageRecord(sent, account.lamlProjectId) : {});
    });

    instance.get(path, async (request) => {
      const account = accountOf(request);
      const query = formOf(request.query);
      const to = optional(query, 'To');
      const from = optional(query, 'From');
      const { items, position } = await readPage(query, async (window) => {
        const { messages: found, total } = await messages.list(account.id, { ...(to ? { to } : {}), ...(from ? { from } : {}) }, window);
        return { items: found, total };
      });
      const filters = new URLSearchParams({ ...(to ? { To: to } : {}), ...(from ? { From: from } : {}) }).toString();
      return {
        ...listPage(`${lamlAccountPath(account.lamlProjectId)}/Messages.json`, position, filters),
        messages: items.map((message) => lamlMessageRecord(message, account.lamlProjectId)),
      };
    });
  }

  instance.get<{ Params: { sid: string } }>('/Messages/:sid', async (request) => {
    const account = accountOf(request);
    const sid = sidOf(request.params.sid);
    const message = await messages.get(account.id, sid);
    if (!message) throw notFound('Messages', sid);
    return lamlMessageRecord(message, account.lamlProjectId);
  });
}
