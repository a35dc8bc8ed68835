import { z } from 'zod';
import { MACHINE_GREETING_MS, PERSON_GREETING_MS } from '../../domain/far-end-sound.js';
import { E164 } from '../../domain/phone-numbers.js';
import { DEFAULT_SCENARIO_ANSWER, type Scenario } from '../../domain/scenario.js';
import { ApiError } from '../errors.js';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';
import { apiErrorSchema } from './schemas.js';

const momentSchema = z.union([
  z.strictObject({ afterAnswerMs: z.number().int().min(0).max(86_400_000).describe('This long after the answer.') }),
  z.strictObject({
    element: z.string().min(1).max(40).describe('When an element of this name starts (GetDigits, Record…).'),
    occurrence: z.number().int().min(1).default(1).describe('Which one: 1 for the first of the call.'),
    afterMs: z.number().int().min(0).max(86_400_000).default(0).describe('Then this long after it starts.'),
  }),
]);

const actionSchema = z.union([
  z.strictObject({ digits: z.string().regex(/^[0-9*#]{1,64}$/, '0-9, * and #').describe('Keys the far end presses.') }),
  z.strictObject({ speech: z.string().min(1).max(1000).describe('Words the far end says (sound for as long as they take to say).') }),
  z.strictObject({ beep: z.literal(true).describe('A voicemail beep: ends a Plivo <Wait beep="true">.') }),
  z.strictObject({ hangup: z.literal(true).describe('The far end hangs up.') }),
]);

export const scenarioInputSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, up to 64').describe('Names the scenario; a new one of the same name replaces it.'),
  number: z.string().regex(E164, 'an E.164 number').describe('The far end: the number called (outbound calls, Dial targets) or the caller (inbound calls).'),
  answer: z
    .strictObject({
      outcome: z.enum(['answer', 'busy', 'no-answer', 'failed', 'rejected']).default('answer'),
      ringMs: z.number().int().min(0).max(600_000).default(DEFAULT_SCENARIO_ANSWER.ringMs),
      machine: z.boolean().default(false).describe('An answering machine answers (machine detection reports it, and it beeps after its greeting).'),
      greetingMs: z
        .number()
        .int()
        .min(0)
        .max(600_000)
        .optional()
        .describe(`How long the far end talks once it answers, before it goes quiet (a machine then beeps); ${PERSON_GREETING_MS} for a person, ${MACHINE_GREETING_MS} for a machine when left out.`),
    })
    .default(DEFAULT_SCENARIO_ANSWER)
    .describe('How the far end answers; answers after 2 s when left out.'),
  steps: z
    .array(z.strictObject({ at: momentSchema, do: actionSchema }))
    .max(100)
    .default([])
    .describe('What the far end does, and when.'),
  calls: z.number().int().min(1).optional().describe('How many calls it plays; every call when left out.'),
});

export const scenarioSchema = scenarioInputSchema.omit({ calls: true }).extend({ remaining: z.number().int().nullable().describe('Calls it still plays; null = every call.') });

export function scenarioOf(input: z.output<typeof scenarioInputSchema>): Scenario {
  const { calls, ...rest } = input;
  return { ...rest, remaining: calls ?? null };
}

/** A scenario file: an array of scenarios, or `{scenarios: [...]}`. Throws with the first problem. */
export function parseScenarioFile(value: unknown): Scenario[] {
  const list = z.union([z.array(scenarioInputSchema), z.strictObject({ scenarios: z.array(scenarioInputSchema) })]).safeParse(value);
  if (!list.success) {
    const issue = list.error.issues[0];
    throw new Error(`scenario file: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'not a list of scenarios'}`);
  }
  return (Array.isArray(list.data) ? list.data : list.data.scenarios).map(scenarioOf);
}

/** Scripting the far end: per number, how calls are answered and what happens during them. */
export function scenarioRoutes(deps: ServerDeps): ControlRoute[] {
  const calls = deps.plivo?.calls;
  if (!calls) return [];
  const scenarios = calls.scenarios;
  return [
    defineRoute({
      method: 'POST',
      path: '/scenarios',
      operationId: 'putScenario',
      tag: 'calls',
      summary: 'Script the far end of calls to or from a number',
      description: 'Scenarios come before the magic numbers and the defaults; live control still overrides them during a call.',
      body: scenarioInputSchema,
      responses: { 201: { description: 'In force from the next call.', schema: scenarioSchema } },
      async handler({ body }, reply) {
        const scenario = scenarioOf(body);
        scenarios.put(scenario);
        void reply.code(201);
        return scenario;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/scenarios',
      operationId: 'listScenarios',
      tag: 'calls',
      summary: 'The scenarios in force',
      responses: { 200: { description: 'Every scenario.', schema: z.object({ scenarios: z.array(scenarioSchema) }) } },
      async handler() {
        return { scenarios: scenarios.list() };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/scenarios/:name',
      operationId: 'deleteScenario',
      tag: 'calls',
      summary: 'Remove a scenario',
      params: z.strictObject({ name: z.string().min(1).max(64) }),
      responses: { 204: { description: 'Removed.' }, 404: { description: 'No such scenario.', schema: apiErrorSchema } },
      async handler({ params }, reply) {
        if (!scenarios.delete(params.name)) throw new ApiError(404, 'not_found', `scenario ${params.name} not found`, 'name', 'list them with GET /hookline/v1/scenarios');
        void reply.code(204);
        return null;
      },
    }),
  ];
}
