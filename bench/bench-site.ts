/**
 * The site the benchmarks run on: `reps` reps in `teams` teams (each rep in one team, the
 * team queue routed by the default `skills_least_busy`), the general queue, one issue per
 * team without required skills, and a `broadcast` team with every rep whose queue is
 * manual (algorithm none): a session there is a queue change every console sees, which is
 * what the fan-out figure measures.
 */
import { randomBytes, scryptSync } from 'node:crypto';

export const BENCH_PASSWORD = 'bench password';

/**
 * Reps log in over HTTP in the load phases. A real hash (scrypt N=2^15, ~50 ms) per login
 * would make logging in 1,000 reps take a minute; this hash has the same format with
 * N=2^4, so the server verifies it as usual, fast. Benchmarks only.
 */
export function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16, r: 8, p: 1 });
  return ['scrypt', 16, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

export const repLogin = (i: number): string => `rep${String(i).padStart(5, '0')}`;
export const teamId = (t: number): string => `t${String(t).padStart(3, '0')}`;
export const issueCode = (t: number): string => `issue-${teamId(t)}`;
export const BROADCAST_QUEUE = 'team:broadcast';
export const BROADCAST_ISSUE = 'issue-broadcast';

export interface BenchSiteOptions {
  reps: number;
  teams: number;
  /** Reps in the manual `broadcast` team (the fan-out audience); default none. */
  broadcastReps?: number;
  /** Seconds before an unanswered offer expires (5–600). */
  offerTimeoutSeconds?: number;
  /** The reps' policy's session limit (A4); default 0, no limit. */
  maxSessions?: number;
}

export function benchSite(options: BenchSiteOptions): Record<string, unknown> {
  const hash = cheapPasswordHash(BENCH_PASSWORD);
  const offerTimeoutSeconds = options.offerTimeoutSeconds ?? 600;
  const users = Array.from({ length: options.reps }, (_, i) => ({
    login: repLogin(i),
    displayName: `Rep ${i}`,
    displayNumber: i + 1,
    policy: 'bench',
    admin: i === 0,
    passwordHash: hash,
  }));
  const teams = Array.from({ length: options.teams }, (_, t) => ({
    id: teamId(t),
    name: `Team ${t}`,
    algorithm: 'skills_least_busy',
    offerTimeoutSeconds,
    members: users.filter((_, i) => i % options.teams === t).map((u) => ({ user: u.login })),
  }));
  const broadcast = options.broadcastReps ?? 0;
  if (broadcast > 0) {
    teams.push({
      id: 'broadcast',
      name: 'Broadcast',
      algorithm: 'none',
      offerTimeoutSeconds,
      members: users.slice(0, broadcast).map((u) => ({ user: u.login })),
    });
  }
  return {
    version: 1,
    site: { siteName: 'Lobby benchmark' },
    generalQueue: { algorithm: 'skills_least_busy', offerTimeoutSeconds },
    // No idle timeout and no missed-offer opt-out: load clients answer every offer, and a
    // benchmark must not depend on how long it runs.
    policies: [{ id: 'bench', name: 'Benchmark', idleMinutes: 0, missedOffersBeforeOptOut: 0, maxSessions: options.maxSessions ?? 0 }],
    users,
    teams,
    issues: [
      ...Array.from({ length: options.teams }, (_, t) => ({ code: issueCode(t), title: `Issue ${t}`, team: teamId(t), priority: 0 })),
      ...(broadcast > 0 ? [{ code: BROADCAST_ISSUE, title: 'Broadcast', team: 'broadcast', priority: 0 }] : []),
    ],
  };
}
