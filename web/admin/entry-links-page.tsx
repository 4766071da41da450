import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import { Banner } from '../shared/banner.js';
import type { AdminClient } from './admin-client.js';
import type { AdminData } from './admin-data.js';
import type { EntryLink, EntryLinkKind, SiteConfig } from './admin-types.js';
import { EntryLinkDetails } from './entry-link-details.js';
import { EntryLinkForm } from './entry-link-form.js';
import { LINK_KINDS, StatusBadge, describeTarget, formatDate } from './entry-link-labels.js';

interface PageProps {
  client: AdminClient;
  data: AdminData;
  config: SiteConfig;
  kind: EntryLinkKind;
}

/**
 * C4, C5 (SPEC I3): support buttons and click-to-chat links — list, make, change, revoke,
 * and the address and HTML snippet to hand out, each with a Copy button.
 */
export function EntryLinksPage({ client, data, config, kind }: PageProps) {
  const info = LINK_KINDS[kind];
  const [links, setLinks] = useState<EntryLink[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [showRevoked, setShowRevoked] = useState(false);
  /** The link just made: its card says so, next to what to copy. */
  const [made, setMade] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const reply = await client.get<Record<string, EntryLink[]>>(info.path);
      setLinks(reply[info.plural] ?? []);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [client, info]);

  useEffect(() => {
    void load();
  }, [load]);

  const link = links?.find((l) => l.id === selected) ?? null;
  const shown = (links ?? []).filter((l) => showRevoked || l.status !== 'revoked' || l.id === selected);
  const revokedCount = (links ?? []).filter((l) => l.status === 'revoked').length;
  const select = (id: string | null, create = false) => {
    setSelected(id);
    setCreating(create);
    setMade(null);
    setFormKey((k) => k + 1);
  };

  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="links-title">
        <div className="card__head">
          <h1 id="links-title">{info.title}</h1>
          <button type="button" className="btn btn--primary btn--small" onClick={() => select(null, true)}>
            New {info.noun}
          </button>
        </div>
        <p className="muted">
          {kind === 'button'
            ? 'A support button is a link to hand out (by mail, on an intranet page) that starts a session with a rep, a team or for an issue (C4). Buttons always expire.'
            : 'A click-to-chat link puts a chat button on a web site, or is a link to a chat page, that starts a chat session with a rep, a team, for an issue or in the general queue (C5).'}
        </p>
        {error ? <Banner>Cannot read the {info.plural}: {error}</Banner> : null}
        {links === null && !error ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : null}
        {links !== null && shown.length === 0 ? <p className="muted">None yet.</p> : null}
        <ul className="entity-list" aria-label={info.title}>
          {shown.map((l) => (
            <li key={l.id} className={l.id === selected ? 'entity-item entity-item--selected' : 'entity-item'}>
              <div className="entity-item__body">
                <div className="entity-item__title">{l.name}</div>
                <p className="entity-item__line">{describeTarget(l)}</p>
                <p className="entity-item__line">
                  <StatusBadge link={l} />{' '}
                  {l.status === 'revoked' && l.revokedAt !== null
                    ? `revoked ${formatDate(l.revokedAt)}`
                    : l.expiresAt === null
                      ? 'never expires'
                      : `${l.status === 'expired' ? 'expired' : 'expires'} ${formatDate(l.expiresAt)}`}
                </p>
              </div>
              <button type="button" className="btn btn--small" aria-label={`Open ${l.name}`} onClick={() => select(l.id)}>
                Open
              </button>
            </li>
          ))}
        </ul>
        {revokedCount > 0 ? (
          <label className="check" htmlFor={`${kind}-show-revoked`}>
            <input id={`${kind}-show-revoked`} type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
            <span>Show revoked ({revokedCount})</span>
          </label>
        ) : null}
      </section>
      {creating ? (
        <EntryLinkForm
          key={formKey}
          client={client}
          config={config}
          users={data.users}
          info={info}
          link={null}
          onSaved={async (saved) => {
            await load();
            setCreating(false);
            setSelected(saved.id);
            setMade(saved.id);
          }}
        />
      ) : link ? (
        <div className="stack" key={formKey}>
          <EntryLinkDetails client={client} config={config} info={info} link={link} justMade={made === link.id} onRevoked={load} />
          {link.status === 'revoked' ? null : <EntryLinkForm client={client} config={config} users={data.users} info={info} link={link} onSaved={load} />}
        </div>
      ) : (
        <p className="muted">Choose a {info.noun} to see its address and snippet, or make a new one.</p>
      )}
    </div>
  );
}
