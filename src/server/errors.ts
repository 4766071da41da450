import type { FastifyError, FastifyInstance } from 'fastify';
import { isLobbyError, type ErrorCode } from '../core/errors.js';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unknown_issue: 400,
  invalid_key: 400,
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  invalid_credentials: 401,
  csrf: 403,
  already_taken: 409,
  session_ended: 409,
  not_waiting: 409,
  not_in_session: 409,
  offer_not_pending: 409,
  conflict: 409,
  link_expired: 410,
  rep_unavailable: 409,
  rate_limited: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Turns an Ajv path like `/customerName` or `/attributes/x` into `customerName`, `attributes.x`. */
function fieldOf(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const base = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = (v.params as { missingProperty?: string; additionalProperty?: string }) ?? {};
  const extra = missing.missingProperty ?? missing.additionalProperty;
  if (extra) return base ? `${base}.${extra}` : extra;
  return base || undefined;
}

/**
 * X3: every refusal is a 4xx with a stable code and a sentence naming the problem; only a
 * real fault is a 500, and it is logged.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isLobbyError(err)) {
      const body: ErrorBody = { error: { code: err.code, message: err.message } };
      if (err.field) body.error.field = err.field;
      return reply.status(STATUS[err.code]).send(body);
    }
    if (err.validation) {
      const field = fieldOf(err);
      const body: ErrorBody = { error: { code: 'invalid_input', message: `${field ?? 'request'}: ${err.validation[0]?.message ?? 'is invalid'}` } };
      if (field) body.error.field = field;
      return reply.status(400).send(body);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code ?? 'bad_request', message: err.message } });
    }
    request.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on the server.' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}
