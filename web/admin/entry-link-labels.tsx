/** Words and small pieces the support-button and click-to-chat pages share. */
import type { EntryLink, EntryLinkKind } from './admin-types.js';

/** What differs between the two kinds of link: their API and their words. */
export interface LinkKindInfo {
  kind: EntryLinkKind;
  path: string;
  /** The key one link is answered under, and the list's. */
  single: 'button' | 'link';
  plural: 'buttons' | 'links';
  title: string;
  noun: string;
}

export const LINK_KINDS: Record<EntryLinkKind, LinkKindInfo> = {
  button: { kind: 'button', path: '/api/support-buttons', single: 'button', plural: 'buttons', title: 'Support buttons', noun: 'button' },
  chat: { kind: 'chat', path: '/api/chat-links', single: 'link', plural: 'links', title: 'Click-to-chat links', noun: 'chat link' },
};

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
}

/** "Helpdesk (team) · with VPN access": where a link leads. */
export function describeTarget(link: EntryLink): string {
  const where =
    link.target.kind === 'general'
      ? 'General queue'
      : `${link.target.name ?? `${link.target.id ?? '?'} (gone)`}${link.target.kind === 'issue' ? ' (issue)' : link.target.kind === 'team' ? ' (team)' : ' (rep)'}`;
  return link.issue && link.target.kind !== 'issue' ? `${where} · with ${link.issue.title}` : where;
}

export function StatusBadge({ link }: { link: EntryLink }) {
  if (link.status === 'active') return <span className="badge badge--success">active</span>;
  return <span className={link.status === 'revoked' ? 'badge badge--danger' : 'badge'}>{link.status}</span>;
}
