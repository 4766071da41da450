import { useId, useMemo, useState, type KeyboardEvent, type RefObject } from 'react';
import type { TransferTarget } from './console-types.js';
import { repStateHint, repStateLabel } from './rep-state-labels.js';
import { targetKindLabel, targetName } from './session-labels.js';

const GROUP_TITLES: Record<string, string> = {
  team: 'Teams',
  embassy: 'Embassies',
  general: 'General queue',
  personal: 'Representatives',
};

interface TargetPickerProps {
  /** Null while loading. */
  targets: readonly TransferTarget[] | null;
  /** The kinds offered, in the order their groups are shown. */
  kinds: readonly string[];
  selected: string | null;
  onSelect(queueId: string): void;
  /** What the choice is for ("Transfer to", "Invite"): the radio group's name. */
  legend: string;
  searchRef?: RefObject<HTMLInputElement | null>;
  disabled?: boolean;
}

function matches(target: TransferTarget, words: readonly string[]): boolean {
  const text = [targetName(target), targetKindLabel(target.kind), GROUP_TITLES[target.kind] ?? '', target.repState ? repStateLabel(target.repState) : '']
    .join(' ')
    .toLowerCase();
  return words.every((w) => text.includes(w));
}

/**
 * T3: a searchable list of queues to send a session to: teams, embassies, the general
 * queue and reps, each rep with their state (A6). The search matches names, kinds
 * ("team", "embassy") and states ("available"). Radio buttons: arrow keys move the choice.
 */
export function TargetPicker({ targets, kinds, selected, onSelect, legend, searchRef, disabled = false }: TargetPickerProps) {
  const [query, setQuery] = useState('');
  const id = useId();
  const searching = query.trim() !== '';

  const groups = useMemo(() => {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = (targets ?? []).filter((t) => kinds.includes(t.kind) && matches(t, words));
    return kinds
      .map((kind) => ({ kind, items: shown.filter((t) => t.kind === kind) }))
      .filter((g) => g.items.length > 0);
  }, [targets, kinds, query]);

  const first = groups[0]?.items[0];
  const pickFirst = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    // Enter in the search box chooses the first match; it never sends the session away.
    event.preventDefault();
    if (!first) return;
    onSelect(first.queueId);
    document.getElementById(`${id}-${first.queueId}`)?.focus();
  };

  return (
    <div className="target-picker">
      <div className="field target-picker__search">
        <label htmlFor={`${id}-search`}>Search</label>
        <input
          ref={searchRef}
          id={`${id}-search`}
          type="search"
          autoComplete="off"
          spellCheck={false}
          placeholder="Name, team, “available”…"
          aria-controls={`${id}-list`}
          value={query}
          disabled={disabled}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={pickFirst}
        />
      </div>
      <div id={`${id}-list`} role="radiogroup" aria-label={legend} className="target-picker__list">
        {targets === null ? <p className="muted">Loading…</p> : null}
        {targets !== null && groups.length === 0 ? (
          <p className="muted" role="status">
            {searching ? `Nothing matches “${query.trim()}”.` : 'There is nowhere you may send this session.'}
          </p>
        ) : null}
        {groups.map((group) => (
          <div key={group.kind} className="target-group" role="group" aria-labelledby={`${id}-g-${group.kind}`}>
            <h3 id={`${id}-g-${group.kind}`} className="target-group__title">
              {GROUP_TITLES[group.kind] ?? group.kind}
            </h3>
            <ul className="target-group__list">
              {group.items.map((target) => (
                <li key={target.queueId}>
                  <TargetOption
                    id={`${id}-${target.queueId}`}
                    name={`${id}-target`}
                    target={target}
                    checked={selected === target.queueId}
                    disabled={disabled}
                    onSelect={() => onSelect(target.queueId)}
                  />
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </div>
  );
}

interface TargetOptionProps {
  id: string;
  name: string;
  target: TransferTarget;
  checked: boolean;
  disabled: boolean;
  onSelect(): void;
}

function TargetOption({ id, name, target, checked, disabled, onSelect }: TargetOptionProps) {
  const label = targetName(target);
  return (
    <label className={checked ? 'target target--checked' : 'target'} htmlFor={id}>
      <input id={id} type="radio" name={name} value={target.queueId} checked={checked} disabled={disabled} onChange={onSelect} />
      <span className="target__name">{label}</span>
      {target.repState ? (
        <span className={`rep-state rep-state--${target.repState}`} title={repStateHint(target.repState)}>
          <span className="visually-hidden">, </span>
          {repStateLabel(target.repState)}
        </span>
      ) : (
        // The group's heading says the kind already; screen readers hear it with the name.
        <span className="visually-hidden">, {targetKindLabel(target.kind)}</span>
      )}
    </label>
  );
}
