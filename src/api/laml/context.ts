import type { FastifyRequest } from 'fastify';
import type { Account } from '../../store/ports.js';
import { LamlApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The account (LaML project) whose resources the request works on, once authenticated. */
    lamlAccount?: Account;
  }
}

export function accountOf(request: FastifyRequest): Account {
  if (!request.lamlAccount) throw new LamlApiError(401, 20003, 'Authentication Error - No credentials provided');
  return request.lamlAccount;
}
