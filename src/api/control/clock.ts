import { z } from 'zod';
import type { Clock } from '../../domain/clock.js';
import type { VirtualClock } from '../../clock/virtual-clock.js';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { apiErrorSchema } from './schemas.js';
import { defineRoute, type ControlRoute } from './route.js';

const THIRTY_DAYS_MS = 30 * 24 * 3_600_000;

export const clockStateSchema = z.object({
  kind: z.enum(['real', 'virtual']),
  now: z.number().int().describe('Clock time, ms since the epoch.'),
  iso: z.string().describe('The same instant as an ISO 8601 string.'),
  nextTimerAt: z.number().int().nullable().describe('Clock time of the next scheduled timer (virtual clock only; null otherwise or when none).'),
});

export const advanceClockSchema = z.strictObject({
  ms: z.number().int().min(0).max(THIRTY_DAYS_MS).describe('How far to move the virtual clock, in ms (at most 30 days).'),
});

export function clockState(clock: Clock, virtualClock: VirtualClock | null): z.output<typeof clockStateSchema> {
  const now = clock.now();
  return { kind: clock.kind, now, iso: new Date(now).toISOString(), nextTimerAt: virtualClock?.nextTimerAt() ?? null };
}

export function clockRoutes(deps: ServerDeps): ControlRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/clock',
      operationId: 'getClock',
      tag: 'clock',
      summary: 'The current clock time',
      responses: { 200: { description: 'The clock.', schema: clockStateSchema } },
      async handler() {
        return clockState(deps.clock, deps.virtualClock);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/clock/advance',
      operationId: 'advanceClock',
      tag: 'clock',
      summary: 'Move the virtual clock forward',
      description:
        'Fires every timer due within the step in time order and answers once the work they started (attempts, their records, the retries they schedule) has settled.',
      body: advanceClockSchema,
      responses: {
        200: { description: 'The clock after the advance.', schema: clockStateSchema },
        409: { description: 'hookline runs on the real clock.', schema: apiErrorSchema },
      },
      async handler({ body }) {
        const virtualClock = deps.virtualClock;
        if (!virtualClock) {
          throw new ApiError(409, 'clock_not_virtual', 'the clock is real: only a virtual clock can be advanced', null, 'start hookline with --clock virtual');
        }
        await virtualClock.advance(body.ms);
        return clockState(deps.clock, virtualClock);
      },
    }),
  ];
}
