import { useEffect, useState } from 'react';
import type { User } from '../shared/api-types.js';
import { Banner } from '../shared/banner.js';
import type { AdminClient } from './admin-client.js';
import { useAdminData } from './admin-data.js';
import { AuditPage } from './audit-page.js';
import { ConfigFilePage } from './config-file-page.js';
import { EntryLinksPage } from './entry-links-page.js';
import { IssuesPage } from './issues-page.js';
import { PoliciesPage } from './policies-page.js';
import { SignIn } from './sign-in.js';
import { SitePage } from './site-page.js';
import { SkillsPage } from './skills-page.js';
import { TeamsPage } from './teams-page.js';
import { UsersPage } from './users-page.js';

const PAGES = [
  { id: 'users', label: 'Users' },
  { id: 'policies', label: 'Policies' },
  { id: 'teams', label: 'Teams & embassies' },
  { id: 'skills', label: 'Skills' },
  { id: 'issues', label: 'Issues' },
  { id: 'buttons', label: 'Support buttons' },
  { id: 'chat-links', label: 'Click-to-chat' },
  { id: 'site', label: 'Site settings' },
  { id: 'audit', label: 'Audit log' },
  { id: 'file', label: 'YAML file' },
] as const;

type PageId = (typeof PAGES)[number]['id'];

function pageOf(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '');
  return PAGES.find((p) => p.id === id)?.id ?? 'users';
}

function useHashPage(): PageId {
  const [page, setPage] = useState(() => pageOf(window.location.hash));
  useEffect(() => {
    const changed = () => setPage(pageOf(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return page;
}

/** The admin pages (SPEC I3): every site setting, applied live and audited. */
export function AdminApp() {
  return (
    <SignIn title="Admin">
      {({ user, client, logout }) =>
        user.isAdmin ? (
          <AdminShell user={user} client={client} onLogout={logout} />
        ) : (
          <main className="page">
            <Banner>
              <p>The admin pages are for site admins. You are logged in as {user.displayName}.</p>
              <p>
                <a href="/console/">Rep console</a> · <a href="/team/">Team dashboard</a>
              </p>
              <button type="button" className="btn btn--small" onClick={logout}>
                Log out
              </button>
            </Banner>
          </main>
        )
      }
    </SignIn>
  );
}

function AdminShell({ user, client, onLogout }: { user: User; client: AdminClient; onLogout(): void }) {
  const page = useHashPage();
  const data = useAdminData(client);
  const props = { client, data };
  return (
    <>
      <header className="app-header">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">
            L
          </span>
          Lobby <span className="brand__sub">Admin</span>
        </div>
        <div className="app-header__user">
          <span className="app-header__name" data-testid="admin-name">
            {user.displayName}
          </span>
          <button type="button" className="btn btn--quiet btn--small" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <nav className="admin-nav" aria-label="Admin pages">
        {PAGES.map((p) => (
          <a key={p.id} href={`#/${p.id}`} className="admin-nav__link" aria-current={page === p.id ? 'page' : undefined}>
            {p.label}
          </a>
        ))}
        <a href="/team/" className="admin-nav__link">
          Team dashboard
        </a>
      </nav>
      <main className="page page--wide">
        {data.error ? <Banner>Cannot read the configuration: {data.error}</Banner> : null}
        {!data.config ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : page === 'users' ? (
          <UsersPage {...props} config={data.config} self={user.login} />
        ) : page === 'policies' ? (
          <PoliciesPage {...props} config={data.config} />
        ) : page === 'teams' ? (
          <TeamsPage {...props} config={data.config} />
        ) : page === 'skills' ? (
          <SkillsPage {...props} config={data.config} />
        ) : page === 'issues' ? (
          <IssuesPage {...props} config={data.config} />
        ) : page === 'buttons' || page === 'chat-links' ? (
          <EntryLinksPage key={page} {...props} config={data.config} kind={page === 'buttons' ? 'button' : 'chat'} />
        ) : page === 'site' ? (
          <SitePage {...props} config={data.config} />
        ) : page === 'audit' ? (
          <AuditPage client={client} />
        ) : (
          <ConfigFilePage {...props} />
        )}
      </main>
    </>
  );
}
