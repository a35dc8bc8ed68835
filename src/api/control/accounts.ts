import { z } from 'zod';
import type { ServerDeps } from '../server.js';
import { defineRoute, type ControlRoute } from './route.js';

export const accountSchema = z.object({
  authId: z.string().describe('The Plivo auth id: the Plivo API path and Basic-auth user name.'),
  authToken: z.string().describe('The Basic-auth password of both APIs; signs Plivo and Standard Webhooks callbacks.'),
  lamlProjectId: z.string().describe('The LaML project id (a UUID): the `AccountSid` of the LaML API, its Basic-auth user name, and `AccountSid` on its webhooks.'),
  signingKey: z.string().describe('The LaML Signing Key (`PSK_…`) that LaML webhooks are signed with.'),
  parentId: z.string().nullable().describe('The main account of a sub-account, else null.'),
  name: z.string(),
  enabled: z.boolean(),
  dev: z.boolean().describe('The dev account: the one callbacks and numbers default to.'),
});

/**
 * Every account with its credentials in both dialects' words, for a test or a tool that signs in as one
 * or validates its webhooks. Secrets are shown as the banner shows them: the control API is the
 * operator's, behind the control token whenever hookline listens beyond loopback.
 */
export function accountRoutes(deps: ServerDeps): ControlRoute[] {
  const plivo = deps.plivo;
  if (!plivo) return [];
  return [
    defineRoute({
      method: 'GET',
      path: '/accounts',
      operationId: 'listAccounts',
      tag: 'accounts',
      summary: 'Every account, with its Plivo and LaML credentials',
      description: 'Oldest first; sub-accounts too. `authToken` and `signingKey` are secrets: the control token guards them as it guards everything here.',
      responses: { 200: { description: 'The accounts.', schema: z.object({ accounts: z.array(accountSchema) }) } },
      async handler() {
        const accounts = plivo.accounts.list().sort((a, b) => a.createdAt - b.createdAt);
        return {
          accounts: accounts.map((account) => ({
            authId: account.id,
            authToken: account.authToken,
            lamlProjectId: account.lamlProjectId,
            signingKey: account.signingKey,
            parentId: account.parentId,
            name: account.name,
            enabled: account.enabled !== false,
            dev: account.id === plivo.devAccountId,
          })),
        };
      },
    }),
  ];
}
