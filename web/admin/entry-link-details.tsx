import { useState } from 'react';
import { Banner } from '../shared/banner.js';
import type { AdminClient } from './admin-client.js';
import type { EntryLink, SiteConfig } from './admin-types.js';
import { CopyField } from './copy-field.js';
import { StatusBadge, describeTarget, formatDate, type LinkKindInfo } from './entry-link-labels.js';
import { SaveFeedback, useSave } from './use-save.js';

interface DetailsProps {
  client: AdminClient;
  config: SiteConfig;
  info: LinkKindInfo;
  link: EntryLink;
  /** Made a moment ago: say so, and where to copy it from. */
  justMade: boolean;
  onRevoked(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An ordinary HTML link to the address, for a web page or an HTML mail. */
export function linkHtml(link: EntryLink): string {
  return `<a href="${escapeHtml(link.url)}" target="_blank" rel="noopener">${escapeHtml(link.name)}</a>`;
}

/** A link's address and snippets to copy, and revoking it (final, so asked twice). */
export function EntryLinkDetails({ client, config, info, link, justMade, onRevoked }: DetailsProps) {
  const save = useSave();
  const [confirming, setConfirming] = useState(false);
  const prefix = `${info.kind}-${link.id}`;
  const origins = config.site.allowedOrigins;

  const revoke = async () => {
    const done = await save.run(() => client.delete<Record<string, EntryLink>>(`${info.path}/${link.id}`), 'Revoked: following it now shows “This link has expired”.');
    setConfirming(false);
    if (done) await onRevoked();
  };

  return (
    <section className="card" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{link.name}</h2>
      {justMade && !save.done ? (
        <Banner kind="success">{info.kind === 'chat' ? 'Chat link made. Copy its snippet or address below.' : 'Button made. Copy its address below.'}</Banner>
      ) : null}
      <SaveFeedback save={save} />
      <p>
        <StatusBadge link={link} /> {describeTarget(link)}
      </p>
      <p className="muted">
        Made by {link.createdBy} on {formatDate(link.createdAt)} ·{' '}
        {link.revokedAt !== null
          ? `revoked ${formatDate(link.revokedAt)}`
          : link.expiresAt === null
            ? 'never expires'
            : `${link.status === 'expired' ? 'expired' : 'works until'} ${formatDate(link.expiresAt)}`}
      </p>
      {link.status === 'revoked' ? (
        <p className="muted">A revoked link shows “This link has expired” to everyone who follows it; revoking is final.</p>
      ) : (
        <>
          {info.kind === 'chat' && link.snippet ? (
            <>
              <CopyField
                id={`${prefix}-snippet`}
                label="Snippet for your web site"
                hint="Paste it into the page’s HTML, before </body>: it adds a “Chat with us” button that opens the chat."
                value={link.snippet}
                multiline
              />
              {origins.length === 0 ? (
                <div className="banner banner--warning" role="status">
                  <div className="banner__text">
                    No web site may embed the chat yet: add its address (such as https://www.example.com) under <a href="#/site">Site settings</a>, “Pages allowed to
                    embed the chat widget”.
                  </div>
                </div>
              ) : (
                <p className="field__hint">Works on pages of: {origins.join(', ')} (Site settings).</p>
              )}
              <CopyField id={`${prefix}-url`} label="Chat page address" hint="A whole page with the chat, for a mail or a link anywhere." value={link.url} />
            </>
          ) : (
            <CopyField id={`${prefix}-url`} label="Button address" hint="Hand it out by mail or chat, or put it on a web page." value={link.url} />
          )}
          <CopyField id={`${prefix}-html`} label="HTML link" hint="The address as a link, for a web page or an HTML mail." value={linkHtml(link)} multiline />
          <div className="actions">
            <a className="btn btn--small" href={link.url} target="_blank" rel="noopener noreferrer">
              Open it
            </a>
            {confirming ? (
              <>
                <button type="button" className="btn btn--danger btn--small" disabled={save.busy} onClick={() => void revoke()}>
                  Revoke for good
                </button>
                <button type="button" className="btn btn--quiet btn--small" onClick={() => setConfirming(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" className="btn btn--danger btn--small" onClick={() => setConfirming(true)}>
                Revoke…
              </button>
            )}
          </div>
          {confirming ? (
            <p className="field__hint" role="status">
              Revoking is final: the address and the snippet stop working at once, wherever they were handed out.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
