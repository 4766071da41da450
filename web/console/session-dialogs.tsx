import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../shared/api.js';
import { Banner } from '../shared/banner.js';
import type { CreatedInvitation, RepSessionView, TransferTarget } from './console-types.js';
import { ModalDialog } from './modal-dialog.js';
import type { RepClient } from './rep-client.js';
import { useRepEvents } from './rep-events.js';
import { customerLabel, targetName } from './session-labels.js';
import { TargetPicker } from './target-picker.js';
import { useFrameRefresh } from './use-frame-refresh.js';

/** T1, T3: every kind of queue a session may be transferred to, in the order shown. */
const TRANSFER_KINDS = ['team', 'embassy', 'general', 'personal'] as const;
/** S1: a rep or a team is invited, never the general queue. */
const INVITE_KINDS = ['personal', 'team'] as const;

/** The server's targets, read when the dialog opens and again when a rep's state changes (A6). */
function useTransferTargets(client: RepClient) {
  const [targets, setTargets] = useState<TransferTarget[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setTargets((await client.get<{ targets: TransferTarget[] }>('/api/rep/transfer-targets')).targets);
      setError(null);
    } catch (err) {
      setError(`Could not load the list: ${errorMessage(err)}`);
    }
  }, [client]);
  const refresh = useFrameRefresh(load);
  useEffect(() => refresh(), [refresh]);
  useRepEvents((event) => {
    if (event === null || event.type === 'rep.state') refresh();
  });
  return { targets, error, refresh };
}

interface ChooseQueueDialogProps {
  client: RepClient;
  session: RepSessionView;
  title: string;
  kinds: readonly string[];
  legend: string;
  /** The submit button's text for the chosen target ("Transfer to Helpdesk"). */
  actionLabel(target: TransferTarget | null): string;
  busyLabel: string;
  /** Sends the session; throws the server's refusal. */
  submit(target: TransferTarget): Promise<void>;
  /** Just before sending. */
  onStart?(): void;
  /** After a refusal: the page reads the session again. */
  onRefused(message: string): void;
  onClose(): void;
  testId: string;
}

function ChooseQueueDialog(props: ChooseQueueDialogProps) {
  const { client, session, kinds, submit, onRefused, onClose } = props;
  const { targets, error: loadError, refresh } = useTransferTargets(client);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const search = useRef<HTMLInputElement>(null);

  // The session's own queue is no target; a target that left the list cannot stay chosen.
  const choices = targets?.filter((t) => t.queueId !== session.queueId) ?? null;
  const chosen = choices?.find((t) => t.queueId === selected) ?? null;
  useEffect(() => {
    if (choices && selected && !chosen) setSelected(null);
  }, [choices, selected, chosen]);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!chosen || busy) return;
    setBusy(true);
    setRefusal(null);
    props.onStart?.();
    try {
      await submit(chosen);
    } catch (err) {
      // 403 (policy), 409 (taken, ended), 400/404 (gone, already there): say why, read again.
      const message = err instanceof ApiError && err.status > 0 ? err.message : errorMessage(err);
      setRefusal(message);
      setBusy(false);
      refresh();
      onRefused(message);
    }
  };

  const formId = `${props.testId}-form`;
  return (
    <ModalDialog
      title={props.title}
      subtitle={`${customerLabel(session)}${session.issue ? ` · ${session.issue.title}` : ''}`}
      onClose={onClose}
      initialFocus={search}
      testId={props.testId}
      footer={
        <div className="actions modal__actions">
          <button type="submit" form={formId} className="btn btn--primary" disabled={!chosen || busy}>
            {busy ? props.busyLabel : props.actionLabel(chosen)}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
        </div>
      }
    >
      <form id={formId} onSubmit={(e) => void send(e)} noValidate>
        {loadError ? <Banner>{loadError}</Banner> : null}
        {refusal ? (
          <Banner onDismiss={() => setRefusal(null)}>
            <strong>Not sent.</strong> {refusal}
          </Banner>
        ) : null}
        <TargetPicker
          targets={choices}
          kinds={kinds}
          selected={selected}
          onSelect={setSelected}
          legend={props.legend}
          searchRef={search}
          disabled={busy}
        />
      </form>
    </ModalDialog>
  );
}

interface TransferDialogProps {
  client: RepClient;
  session: RepSessionView;
  /** The transfer is on its way: the rep is about to leave the session (T2). */
  onStart(): void;
  onTransferred(target: TransferTarget): void;
  onRefused(message: string): void;
  onClose(): void;
}

/** T1–T4: send the session to a team, an embassy, the general queue or a rep. */
export function TransferDialog({ client, session, onStart, onTransferred, onRefused, onClose }: TransferDialogProps) {
  return (
    <ChooseQueueDialog
      client={client}
      session={session}
      title="Transfer session"
      kinds={TRANSFER_KINDS}
      legend="Transfer to"
      actionLabel={(t) => (t ? `Transfer to ${targetName(t)}` : 'Transfer')}
      busyLabel="Transferring…"
      onStart={onStart}
      submit={async (target) => {
        await client.post(`/api/rep/sessions/${encodeURIComponent(session.id)}/transfer`, { queueId: target.queueId });
        onTransferred(target);
      }}
      onRefused={onRefused}
      onClose={onClose}
      testId="transfer-dialog"
    />
  );
}

interface InviteDialogProps {
  client: RepClient;
  session: RepSessionView;
  onInvited(invitation: CreatedInvitation, target: TransferTarget): void;
  onRefused(message: string): void;
  onClose(): void;
}

/** S1: ask a rep or a team to join the session. */
export function InviteDialog({ client, session, onInvited, onRefused, onClose }: InviteDialogProps) {
  return (
    <ChooseQueueDialog
      client={client}
      session={session}
      title="Invite to session"
      kinds={INVITE_KINDS}
      legend="Invite"
      actionLabel={(t) => (t ? `Invite ${targetName(t)}` : 'Invite')}
      busyLabel="Inviting…"
      submit={async (target) => {
        const created = await client.post<CreatedInvitation>(`/api/rep/sessions/${encodeURIComponent(session.id)}/invitations`, {
          queueId: target.queueId,
        });
        onInvited(created, target);
      }}
      onRefused={onRefused}
      onClose={onClose}
      testId="invite-dialog"
    />
  );
}
