import { lamlAccountPath, rfc2822 } from './laml-call.js';

/** A queue as the engine holds it, and its waiting callers, longest waiting first. */
export interface LamlQueueView {
  readonly uuid: string;
  readonly name: string;
  readonly createdAt: number;
  readonly members: ReadonlyArray<{ readonly callUuid: string; readonly enqueuedAt: number; readonly waitedMs: number }>;
}

/** `<Enqueue>` makes a queue with Twilio's default size limit; hookline does not enforce it. */
const MAX_SIZE = 100;

const seconds = (ms: number): number => Math.round(ms / 1000);

export function lamlQueuePath(accountSid: string, queueSid: string): string {
  return `${lamlAccountPath(accountSid)}/Queues/${queueSid}`;
}

/** The Queue resource (Twilio's shape, which SignalWire's compatibility API mirrors): size and average wait now. */
export function lamlQueueRecord(accountSid: string, queue: LamlQueueView): Record<string, unknown> {
  const path = lamlQueuePath(accountSid, queue.uuid);
  const waits = queue.members.map((member) => member.waitedMs);
  return {
    sid: queue.uuid,
    account_sid: accountSid,
    friendly_name: queue.name,
    current_size: queue.members.length,
    average_wait_time: waits.length === 0 ? 0 : seconds(waits.reduce((sum, ms) => sum + ms, 0) / waits.length),
    max_size: MAX_SIZE,
    date_created: rfc2822(queue.createdAt),
    date_updated: rfc2822(queue.createdAt),
    uri: `${path}.json`,
    subresource_uris: { members: `${path}/Members.json` },
  };
}

/** A caller waiting in a queue (Twilio's Member resource): where it stands and how long it has waited. */
export function lamlQueueMemberRecord(accountSid: string, queue: LamlQueueView, index: number): Record<string, unknown> {
  const member = queue.members[index];
  if (!member) throw new Error(`queue ${queue.uuid} has no member ${index}`);
  return {
    call_sid: member.callUuid,
    queue_sid: queue.uuid,
    position: index + 1,
    date_enqueued: rfc2822(member.enqueuedAt),
    wait_time: seconds(member.waitedMs),
    uri: `${lamlQueuePath(accountSid, queue.uuid)}/Members/${member.callUuid}.json`,
  };
}
