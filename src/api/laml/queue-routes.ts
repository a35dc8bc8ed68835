import type { FastifyInstance } from 'fastify';
import { lamlAccountPath } from '../../domain/laml-call.js';
import { lamlQueueMemberRecord, lamlQueuePath, lamlQueueRecord, type LamlQueueView } from '../../domain/laml-queue.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import { accountOf } from './context.js';
import { notFound } from './errors.js';
import { formOf, listPage, readPage, sidOf } from './params.js';

/**
 * LaML queues, read-only: the queues `<Enqueue>` made and who waits in them now (Twilio's Queue and
 * Member resources, laml.md §10.1). Queues live with the calls of this process.
 */
export function lamlQueueRoutes(instance: FastifyInstance, calls: CallEngine): void {
  const queueOf = (accountId: string, raw: string): LamlQueueView => {
    const sid = sidOf(raw);
    const queue = calls.queues(accountId).find((candidate) => candidate.uuid === sid);
    if (!queue) throw notFound('Queues', sid);
    return queue;
  };

  for (const path of ['/Queues', '/Queues.json']) {
    instance.get(path, async (request) => {
      const account = accountOf(request);
      // Newest first, as every list.
      const all = calls.queues(account.id).reverse();
      const { items, position } = await readPage(formOf(request.query), async ({ limit, offset }) => ({ items: all.slice(offset, offset + limit), total: all.length }));
      return { ...listPage(`${lamlAccountPath(account.lamlProjectId)}/Queues.json`, position), queues: items.map((queue) => lamlQueueRecord(account.lamlProjectId, queue)) };
    });
  }

  instance.get<{ Params: { sid: string } }>('/Queues/:sid', async (request) => {
    const account = accountOf(request);
    return lamlQueueRecord(account.lamlProjectId, queueOf(account.id, request.params.sid));
  });

  for (const path of ['/Queues/:sid/Members', '/Queues/:sid/Members.json']) {
    instance.get<{ Params: { sid: string } }>(path, async (request) => {
      const account = accountOf(request);
      const queue = queueOf(account.id, request.params.sid);
      const indexes = queue.members.map((_, index) => index);
      const { items, position } = await readPage(formOf(request.query), async ({ limit, offset }) => ({ items: indexes.slice(offset, offset + limit), total: indexes.length }));
      return { ...listPage(`${lamlQueuePath(account.lamlProjectId, queue.uuid)}/Members.json`, position), queue_members: items.map((index) => lamlQueueMemberRecord(account.lamlProjectId, queue, index)) };
    });
  }

  // `Front` is the caller waiting longest (Twilio's Member resource).
  instance.get<{ Params: { sid: string; member: string } }>('/Queues/:sid/Members/:member', async (request) => {
    const account = accountOf(request);
    const queue = queueOf(account.id, request.params.sid);
    const member = sidOf(request.params.member);
    const index = member === 'Front' ? 0 : queue.members.findIndex((candidate) => candidate.callUuid === member);
    if (index < 0 || index >= queue.members.length) throw notFound('Members', member);
    return lamlQueueMemberRecord(account.lamlProjectId, queue, index);
  });
}
