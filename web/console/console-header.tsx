import { useState, type KeyboardEvent } from 'react';
import type { User } from '../shared/api-types.js';
import { ToggleSwitch } from '../shared/toggle-switch.js';
import type { RepClient } from './rep-client.js';
import { useRepEventsStatus } from './rep-events.js';
import { repStateHint, repStateLabel, sessionCountLabel } from './rep-state-labels.js';
import type { SystemNotifications } from './system-notifications.js';
import { useRepListing } from './use-rep-listing.js';
import type { RepAvailability } from './use-rep-state.js';

interface ConsoleHeaderProps {
  user: User;
  rep: RepAvailability;
  sound: boolean;
  onSoundChange(on: boolean): void;
  notifications: SystemNotifications;
  client: RepClient;
  onLogout(): void;
}

/**
 * The console's top bar, on every page: who is logged in and the live connection; the
 * rep's routing state (A6) with the "Away" switch (A2); and the settings (A5 automatic
 * assignment, C2 rep list, sound, system notifications) behind one button, so that it all
 * fits a phone's width.
 */
export function ConsoleHeader({ user, rep, sound, onSoundChange, notifications, client, onLogout }: ConsoleHeaderProps) {
  const status = useRepEventsStatus();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const listing = useRepListing(client, settingsOpen);
  const closeOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    setSettingsOpen(false);
    document.getElementById('settings-button')?.focus();
  };

  return (
    <header className="app-header app-header--stacked">
      <div className="app-header__row">
        <a className="brand brand--link" href="#/">
          <span className="brand__mark" aria-hidden="true">
            L
          </span>
          Lobby
        </a>
        <span className={status === 'open' ? 'live-dot' : 'live-dot live-dot--off'} role="status">
          {status === 'open' ? 'Live' : status === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}
        </span>
        <span className="app-header__user">
          <span className="app-header__name" title={user.displayName} data-testid="rep-name">
            {user.displayName}
          </span>
          <button type="button" className="btn btn--small" onClick={onLogout}>
            Log out
          </button>
        </span>
      </div>
      <div className="app-header__row availability" role="group" aria-label="Availability">
        <RepStateBadge rep={rep} />
        <ToggleSwitch
          className="switch--compact"
          label="Away"
          checked={rep.away}
          disabled={rep.view === null || rep.saving}
          onChange={rep.setAway}
        />
        <button
          id="settings-button"
          type="button"
          className="btn btn--small btn--quiet availability__settings"
          aria-expanded={settingsOpen}
          aria-controls="console-settings"
          onClick={() => setSettingsOpen((open) => !open)}
        >
          <GearIcon />
          <span className="availability__settings-text">Settings</span>
        </button>
      </div>
      {settingsOpen ? (
        <section id="console-settings" className="settings-panel" aria-label="Settings" onKeyDown={closeOnEscape}>
          <AutomaticAssignmentSwitch rep={rep} />
          <RepListSwitch listing={listing} />
          <ToggleSwitch
            label="Sound"
            hint="A beep for a new offer, a transfer or invitation to you, its last seconds, and an overdue customer."
            checked={sound}
            onChange={onSoundChange}
          />
          <NotificationsSwitch notifications={notifications} />
        </section>
      ) : null}
    </header>
  );
}

function RepStateBadge({ rep }: { rep: RepAvailability }) {
  const view = rep.view;
  if (!view) {
    return (
      <span className="rep-state" data-testid="rep-state">
        …
      </span>
    );
  }
  return (
    <span className={`rep-state rep-state--${view.state}`} role="status" title={repStateHint(view.state)} data-testid="rep-state">
      <span className="visually-hidden">Your state: </span>
      {repStateLabel(view.state)}
      <span className="rep-state__count">
        <span aria-hidden="true"> · </span>
        <span className="visually-hidden">, </span>
        {sessionCountLabel(view.sessions)}
      </span>
    </span>
  );
}

/**
 * A5: the rep's choice, kept by the server across reconnects. Where the policy forbids
 * opting out, the switch can only turn assignment back on (after E10 opted the rep out).
 */
function AutomaticAssignmentSwitch({ rep }: { rep: RepAvailability }) {
  const view = rep.view;
  if (!view) return null;
  const on = rep.automaticAssignment;
  if (!view.canOptOut && !view.optedOut) {
    return <p className="muted settings-panel__note">Automatic assignment is always on for you (set by your policy).</p>;
  }
  return (
    <ToggleSwitch
      label="Automatic assignment"
      hint={on ? 'Lobby offers you waiting sessions, one at a time.' : 'Off: you take sessions by hand only.'}
      checked={on}
      disabled={rep.saving}
      onChange={rep.setAutomaticAssignment}
    />
  );
}

/** C2: whether customers may choose this rep on the portal's representative list. */
function RepListSwitch({ listing }: { listing: ReturnType<typeof useRepListing> }) {
  const view = listing.listing;
  if (!view) return listing.error ? <p className="muted settings-panel__note">Representative list: {listing.error}</p> : null;
  if (!view.canBeListed) {
    return <p className="muted settings-panel__note">Customers cannot choose you from the representative list (set by your policy).</p>;
  }
  return (
    <>
      <ToggleSwitch
        label="Show me on the representative list"
        hint="Customers on the portal may choose you while you are logged in."
        checked={view.listed}
        disabled={listing.saving}
        onChange={listing.setListed}
      />
      {listing.error ? <p className="field__error settings-panel__note">{listing.error}</p> : null}
    </>
  );
}

/**
 * System notifications for offers, transfers, invitations and overdue customers while the
 * console is in the background. Switching on asks the browser (a user gesture is required).
 */
function NotificationsSwitch({ notifications }: { notifications: SystemNotifications }) {
  if (notifications.permission === 'unsupported') {
    return <p className="muted settings-panel__note">This browser cannot show system notifications.</p>;
  }
  const blocked = notifications.permission === 'denied';
  return (
    <ToggleSwitch
      label="System notifications"
      hint={
        blocked
          ? 'Blocked for this site in the browser’s settings: allow notifications there first.'
          : 'Offers, transfers and overdue customers while the console is in the background.'
      }
      checked={notifications.enabled}
      disabled={blocked}
      onChange={notifications.setEnabled}
    />
  );
}

/** A plain gear, so that the settings button fits beside the state on a phone. */
function GearIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.3 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1c.5.4 1.1.7 1.7 1L11 21h4l.3-2.9c.6-.3 1.2-.6 1.7-1l2.5 1 2-3.5L19.4 13ZM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7Z"
        transform="translate(-1 0)"
      />
    </svg>
  );
}
