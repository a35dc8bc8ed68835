import type { Delivery } from '../domain/delivery.js';
import { apiErrorMessage, controlRequest, type ControlTarget } from './control-client.js';
import type { CliIo } from './io.js';
import { clockTime } from './logger.js';
import { CliError, type CommandResult } from './result.js';

/** `hookline replay <id>`: sends a delivery again under its stable id. */
export async function replay(deliveryId: string, target: ControlTarget, io: CliIo): Promise<CommandResult> {
  const { status, body } = await controlRequest(target, 'POST', `/deliveries/${encodeURIComponent(deliveryId)}/replay`);
  if (status < 200 || status >= 300) throw new CliError(apiErrorMessage(status, body));
  const delivery = (body as { delivery?: Delivery } | null)?.delivery;
  io.out(delivery ? `${describeReplay(delivery)}\n` : `${JSON.stringify(body)}\n`);
  return { exitCode: 0 };
}

export function describeReplay(delivery: Delivery): string {
  const next = delivery.attemptCount + 1;
  const target = `${delivery.method} ${delivery.url}`;
  // A delivery that is already pending or in flight comes back unchanged: say what will happen, not "replayed".
  if (delivery.status === 'in-flight') return `${delivery.id} is being sent now: attempt ${delivery.attemptCount} to ${target}`;
  if (delivery.status === 'pending') return `${delivery.id} queued: attempt ${next} to ${target} due at ${clockTime(delivery.dueAt)}`;
  return `${delivery.id} is ${delivery.status}: ${target}`;
}
