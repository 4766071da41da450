/** Rep authentication for HTTP routes and the rep WebSocket: cookie login plus CSRF header. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LobbyError } from '../core/errors.js';
import type { UserRow } from '../store/schema.js';
import type { Engine } from '../engine/engine.js';
import { resolveLogin } from '../engine/logins.js';

export const SESSION_COOKIE = 'lobby_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthedRep {
  user: UserRow;
  csrfToken: string;
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    rep?: AuthedRep;
  }
}

export async function readRep(engine: Engine, request: FastifyRequest): Promise<AuthedRep | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token) return null;
  const found = await resolveLogin(engine.store.db, engine.clock.now(), token);
  return found ? { ...found, token } : null;
}

/**
 * preHandler for rep routes. X1: the cookie is SameSite=Strict and HTTP-only, and every
 * state-changing request must also echo the login's CSRF token in a header, which a
 * cross-site form cannot do.
 */
export function requireRep(engine: Engine) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const rep = await readRep(engine, request);
    if (!rep) throw new LobbyError('unauthorized', 'Please log in.');
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.headers[CSRF_HEADER] !== rep.csrfToken) {
      throw new LobbyError('csrf', 'The request is missing its security token; reload the page.');
    }
    request.rep = rep;
  };
}

export function repOf(request: FastifyRequest): AuthedRep {
  if (!request.rep) throw new LobbyError('unauthorized', 'Please log in.');
  return request.rep;
}
