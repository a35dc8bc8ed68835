import type { FastifyRequest } from 'fastify';
import type { Account } from '../../store/ports.js';
import { PlivoApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account whose resources the request works on, once authenticated. */
    plivoAccount?: Account;
  }
}

/** The authenticated account a Plivo route works for (set by the plugin's auth hook). */
export function accountOf(request: FastifyRequest): Account {
  if (!request.plivoAccount) throw new PlivoApiError(401, 'authentication failed');
  return request.plivoAccount;
}
