/** Admin routes: a logged-in rep with the admin flag (SPEC I3), checked before anything else. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LobbyError } from '../../core/errors.js';
import type { AdminActor } from '../../engine/admin-audit.js';
import type { Engine } from '../../engine/engine.js';
import { repOf, requireRep } from '../auth.js';

/**
 * An onRequest hook: it runs before the body is read or validated, so an anonymous caller
 * gets 401 and a rep 403 whatever they send, and learns nothing of the admin API's rules.
 */
export function requireAdmin(engine: Engine) {
  const rep = requireRep(engine);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await rep(request, reply);
    if (repOf(request).user.is_admin !== 1) throw new LobbyError('forbidden', 'Only site admins can use the admin pages.');
  };
}

export function actorOf(request: FastifyRequest): AdminActor {
  const user = repOf(request).user;
  return { id: user.id, login: user.login };
}
