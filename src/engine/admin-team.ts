/**
 * The team dashboard for leads and managers (SPEC A6, T1): each member's state and
 * sessions, and taking over a member's session. Transfers use the ordinary transfer
 * command, which already lets a lead or manager of the owner's team move it (T1).
 */
import { LobbyError } from '../core/errors.js';
import { repState } from '../core/rep-state.js';
import { personalQueueId, teamQueueId } from '../core/site-settings.js';
import type { Db } from '../store/store.js';
import type { SessionRow, UserRow } from '../store/schema.js';
import type { CommandContext } from './command-runner.js';
import { enterQueue } from './queue-moves.js';
import { loadReps } from './routing-snapshot.js';
import { acceptSession, loadLiveSession } from './session-commands.js';
import { sessionViews, type SessionView } from './views.js';

export interface DashboardMember {
  id: string;
  login: string;
  displayName: string;
  role: string;
  /** A6 */
  state: string;
  sessionCount: number;
  /** Active sessions the member owns or has joined. */
  sessions: SessionView[];
  /** T1: the viewer leads or manages a team this member belongs to (and is not the member). */
  canAct: boolean;
}

export interface DashboardTeam {
  id: string;
  name: string;
  kind: string;
  /** The viewer's role in this team; null for an admin who is not in it. */
  viewerRole: string | null;
  waitingCount: number;
  members: DashboardMember[];
}

const LEADS = ['lead', 'manager'];

/** Members of every team `viewerId` leads or manages. */
async function ledMembers(db: Db, viewerId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('team_members as mine')
    .innerJoin('team_members as theirs', 'theirs.team_id', 'mine.team_id')
    .select('theirs.user_id')
    .where('mine.user_id', '=', viewerId)
    .where('mine.role', 'in', LEADS)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** Whether `viewer` may open the dashboard at all: a lead or manager somewhere, or an admin. */
export async function canSeeDashboard(db: Db, viewer: UserRow): Promise<boolean> {
  if (viewer.is_admin === 1) return true;
  const row = await db.selectFrom('team_members').select('team_id').where('user_id', '=', viewer.id).where('role', 'in', LEADS).executeTakeFirst();
  return row !== undefined;
}

/** Teams the viewer leads or manages (admins: every team), each with its members' state and sessions. */
export async function teamDashboard(db: Db, viewer: UserRow): Promise<DashboardTeam[]> {
  const mine = await db.selectFrom('team_members').select(['team_id', 'role']).where('user_id', '=', viewer.id).execute();
  const roleIn = new Map(mine.map((m) => [m.team_id, m.role]));
  const teams = (await db.selectFrom('teams').selectAll().orderBy('name').execute()).filter(
    (t) => viewer.is_admin === 1 || LEADS.includes(roleIn.get(t.id) ?? ''),
  );
  if (teams.length === 0) return [];
  const members = await db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['team_members.team_id', 'team_members.role', 'users.id', 'users.login', 'users.display_name'])
    .where('team_members.team_id', 'in', teams.map((t) => t.id))
    .where('users.disabled', '=', 0)
    .orderBy('users.display_name')
    .execute();
  const memberIds = [...new Set(members.map((m) => m.id))];
  const [reps, active, waiting, led] = await Promise.all([
    loadReps(db, { repIds: memberIds }),
    memberIds.length === 0
      ? Promise.resolve([] as (SessionRow & { member: string })[])
      : db
          .selectFrom('sessions')
          .innerJoin('participants', 'participants.session_id', 'sessions.id')
          .selectAll('sessions')
          .select('participants.user_id as member')
          .where('participants.user_id', 'in', memberIds)
          .where('sessions.state', '=', 'active')
          .orderBy('sessions.accepted_at')
          .execute(),
    db
      .selectFrom('sessions')
      .select(['queue_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'waiting')
      .where('queue_id', 'in', teams.map((t) => teamQueueId(t.id)))
      .groupBy('queue_id')
      .execute(),
    ledMembers(db, viewer.id),
  ]);
  const repById = new Map(reps.map((r) => [r.id, r]));
  const unique = [...new Map(active.map((s) => [s.id, s])).values()];
  const views = new Map((await sessionViews(db, unique)).map((v) => [v.id, v]));
  const waitingBy = new Map(waiting.map((w) => [w.queue_id, Number(w.n)]));
  return teams.map((t) => ({
    id: t.id,
    name: t.name,
    kind: t.kind,
    viewerRole: roleIn.get(t.id) ?? null,
    waitingCount: waitingBy.get(teamQueueId(t.id)) ?? 0,
    members: members
      .filter((m) => m.team_id === t.id)
      .map((m) => {
        const rep = repById.get(m.id);
        return {
          id: m.id,
          login: m.login,
          displayName: m.display_name,
          role: m.role,
          state: rep ? repState(rep) : 'offline',
          // Counted from the sessions themselves: a rep in the grace period (A1) still has them.
          sessionCount: active.filter((s) => s.member === m.id).length,
          sessions: active.filter((s) => s.member === m.id).flatMap((s) => views.get(s.id) ?? []),
          canAct: m.id !== viewer.id && led.has(m.id),
        };
      }),
  }));
}

/**
 * T1: a lead or manager of a team the owner belongs to takes the session over. It is
 * transferred to the lead's personal queue and accepted by them in the same transaction,
 * so nobody else can take it in between; the former owner and participants leave it (T2).
 */
export async function takeOverSession(ctx: CommandContext, leadId: string, sessionId: string): Promise<SessionRow> {
  const session = await loadLiveSession(ctx, sessionId);
  if (session.state !== 'active' || session.owner_id === null) {
    throw new LobbyError('conflict', 'Only a session a representative is working on can be taken over; accept a waiting one instead.');
  }
  if (session.owner_id === leadId) throw new LobbyError('conflict', 'You already own this session.');
  if (!(await ledMembers(ctx.tx, leadId)).has(session.owner_id)) {
    throw new LobbyError('forbidden', 'Only a lead or manager of a team the owner belongs to can take over this session (T1).');
  }
  await enterQueue(ctx, session, personalQueueId(leadId), {
    eventType: 'session.transferred',
    data: { by: leadId, takeOver: true },
    repId: leadId,
  });
  return acceptSession(ctx, leadId, sessionId);
}
