import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../shared/api.js';
import { Banner } from '../shared/banner.js';
import type { AdminClient } from './admin-client.js';
import type { AuditEntry } from './admin-types.js';

const PAGE = 50;

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields that differ, each "before → after" (all fields for a creation or removal). */
function Diff({ entry }: { entry: AuditEntry }) {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => entry.before === null || entry.after === null || JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
  return (
    <dl className="diff">
      {keys.map((k) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd>
            {entry.before !== null ? <del>{show(before[k])}</del> : null}
            {entry.before !== null && entry.after !== null ? ' → ' : null}
            {entry.after !== null ? <ins>{show(after[k])}</ins> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The audit log: who changed what, before and after, when — newest first. */
export function AuditPage({ client }: { client: AdminClient }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (beforeSeq?: number) => {
      setLoading(true);
      try {
        const page = await client.get<{ entries: AuditEntry[] }>(`/api/admin/audit?limit=${PAGE}${beforeSeq ? `&beforeSeq=${beforeSeq}` : ''}`);
        setEntries((old) => (beforeSeq ? [...old, ...page.entries] : page.entries));
        setMore(page.entries.length === PAGE);
        setError(null);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [client],
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="card__head">
        <h1 id="audit-title">Audit log</h1>
        <button type="button" className="btn btn--small" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error ? <Banner>{error}</Banner> : null}
      {!loading && entries.length === 0 ? <p className="empty">No changes yet.</p> : null}
      <ol className="entity-list" aria-label="Changes">
        {entries.map((e) => (
          <li key={e.seq} className="audit-entry">
            <div className="entity-item__title">
              {e.action} <span className="badge">{`${e.entity}: ${e.entityId}`}</span>
            </div>
            <p className="entity-item__line">
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time> by {e.actor.login}
            </p>
            <Diff entry={e} />
          </li>
        ))}
      </ol>
      {more ? (
        <button type="button" className="btn" disabled={loading} onClick={() => void load(entries.at(-1)?.seq)}>
          Older changes
        </button>
      ) : null}
    </section>
  );
}
