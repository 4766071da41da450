/** What admins and reps see of support buttons and click-to-chat links (C4, C5). */
import { linkStatus, type LinkStatus } from '../core/entry-links.js';
import type { EntryLinkRow } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { userNames } from '../store/queries/directory.js';

export interface EntryLinkView {
  id: string;
  kind: string;
  name: string;
  status: LinkStatus;
  target: { kind: string; id: string | null; name: string | null };
  issue: { code: string; title: string } | null;
  /** The link to hand out: the button's page, or the click-to-chat page. */
  url: string;
  /** Click-to-chat only: the script tag a web site embeds. */
  snippet: string | null;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export const WIDGET_SCRIPT_PATH = '/widget/lobby-chat.js';

/** The public URL of a link; `base` is the server's public origin, without a trailing slash. */
export function entryLinkUrl(base: string, link: Pick<EntryLinkRow, 'kind' | 'token'>): string {
  return link.kind === 'button' ? `${base}/b/${link.token}` : `${base}/chat/?link=${link.token}`;
}

export function chatSnippet(base: string, token: string): string {
  return `<script src="${base}${WIDGET_SCRIPT_PATH}" data-lobby-link="${token}" async></script>`;
}

export async function entryLinkViews(db: Db, rows: EntryLinkRow[], now: number, base: string): Promise<EntryLinkView[]> {
  const repIds = rows.flatMap((r) => (r.target_kind === 'rep' && r.target_id ? [r.target_id] : []));
  const teamIds = rows.flatMap((r) => (r.target_kind === 'team' && r.target_id ? [r.target_id] : []));
  const issueIds = rows.flatMap((r) => (r.issue_id ? [r.issue_id] : []));
  const [reps, teams, issues] = await Promise.all([
    userNames(db, repIds),
    teamIds.length ? db.selectFrom('teams').select(['id', 'name']).where('id', 'in', teamIds).execute() : Promise.resolve([]),
    issueIds.length ? db.selectFrom('issues').select(['id', 'code', 'title']).where('id', 'in', issueIds).execute() : Promise.resolve([]),
  ]);
  const teamName = new Map(teams.map((t) => [t.id, t.name]));
  const issueById = new Map(issues.map((i) => [i.id, { code: i.code, title: i.title }]));
  return rows.map((r) => {
    const issue = r.issue_id ? (issueById.get(r.issue_id) ?? null) : null;
    let targetName: string | null = null;
    if (r.target_kind === 'rep' && r.target_id) targetName = reps.get(r.target_id) ?? null;
    if (r.target_kind === 'team' && r.target_id) targetName = teamName.get(r.target_id) ?? null;
    if (r.target_kind === 'issue') targetName = issue?.title ?? null;
    if (r.target_kind === 'general') targetName = 'General queue';
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      status: linkStatus(r, now),
      target: { kind: r.target_kind, id: r.target_kind === 'issue' ? (issue?.code ?? r.target_id) : r.target_id, name: targetName },
      issue,
      url: entryLinkUrl(base, r),
      snippet: r.kind === 'chat' ? chatSnippet(base, r.token) : null,
      createdBy: r.created_by,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
    };
  });
}
