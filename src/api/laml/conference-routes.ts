import type { FastifyInstance } from 'fastify';
import { lamlAccountPath } from '../../domain/laml-call.js';
import { lamlConferencePath, lamlConferenceRecord, lamlParticipantRecord, type LamlConferenceView } from '../../domain/laml-conference.js';
import type { CallEngine } from '../../engine/calls/call-engine.js';
import { accountOf } from './context.js';
import { notFound } from './errors.js';
import { formOf, listPage, optional, readPage, sidOf } from './params.js';

/**
 * LaML conferences, read-only: the rooms `<Dial><Conference>` made that have members now, and who is
 * in them (Twilio's Conference and Participant resources, laml.md §10.1). Rooms live with the calls of
 * this process; one whose last member left is gone.
 */
export function lamlConferenceRoutes(instance: FastifyInstance, calls: CallEngine): void {
  const roomOf = (accountId: string, raw: string): LamlConferenceView => {
    const sid = sidOf(raw);
    const room = calls.conferences(accountId).find((candidate) => candidate.uuid === sid);
    if (!room) throw notFound('Conferences', sid);
    return room;
  };

  for (const path of ['/Conferences', '/Conferences.json']) {
    instance.get(path, async (request) => {
      const account = accountOf(request);
      const query = formOf(request.query);
      const name = optional(query, 'FriendlyName');
      const status = optional(query, 'Status');
      // Newest first, as every list.
      const all = calls
        .conferences(account.id)
        .reverse()
        .filter((room) => (name === undefined || room.name === name) && (status === undefined || status === (room.started ? 'in-progress' : 'init')));
      const { items, position } = await readPage(query, async ({ limit, offset }) => ({ items: all.slice(offset, offset + limit), total: all.length }));
      const filters = new URLSearchParams({ ...(name ? { FriendlyName: name } : {}), ...(status ? { Status: status } : {}) }).toString();
      return { ...listPage(`${lamlAccountPath(account.lamlProjectId)}/Conferences.json`, position, filters), conferences: items.map((room) => lamlConferenceRecord(account.lamlProjectId, room)) };
    });
  }

  instance.get<{ Params: { sid: string } }>('/Conferences/:sid', async (request) => {
    const account = accountOf(request);
    return lamlConferenceRecord(account.lamlProjectId, roomOf(account.id, request.params.sid));
  });

  for (const path of ['/Conferences/:sid/Participants', '/Conferences/:sid/Participants.json']) {
    instance.get<{ Params: { sid: string } }>(path, async (request) => {
      const account = accountOf(request);
      const room = roomOf(account.id, request.params.sid);
      const { items, position } = await readPage(formOf(request.query), async ({ limit, offset }) => ({ items: room.members.slice(offset, offset + limit), total: room.members.length }));
      return { ...listPage(`${lamlConferencePath(account.lamlProjectId, room.uuid)}/Participants.json`, position), participants: items.map((member) => lamlParticipantRecord(account.lamlProjectId, room, member)) };
    });
  }

  instance.get<{ Params: { sid: string; callSid: string } }>('/Conferences/:sid/Participants/:callSid', async (request) => {
    const account = accountOf(request);
    const room = roomOf(account.id, request.params.sid);
    const callSid = sidOf(request.params.callSid);
    const member = room.members.find((candidate) => candidate.callUuid === callSid);
    if (!member) throw notFound('Participants', callSid);
    return lamlParticipantRecord(account.lamlProjectId, room, member);
  });
}
