/** C2: the facts the representative list is decided from. */
import type { Db } from '../store.js';
import type { RepListCandidate } from '../../core/rep-list.js';
import { DEFAULT_POLICY, type PolicySettings } from '../../core/policy.js';

export async function repListCandidates(db: Db): Promise<RepListCandidate[]> {
  const rows = await db
    .selectFrom('users')
    .innerJoin('presence', 'presence.user_id', 'users.id')
    .innerJoin('policies', 'policies.id', 'users.policy_id')
    .select([
      'users.id as id',
      'users.display_name as name',
      'users.display_number as displayNumber',
      'users.show_on_rep_list as show',
      'users.disabled as disabled',
      'presence.logged_in as loggedIn',
      'policies.settings as settings',
    ])
    .where('presence.logged_in', '=', 1)
    .where('users.disabled', '=', 0)
    .where('users.show_on_rep_list', '=', 1)
    .execute();
  return rows.map((r) => {
    const policy: PolicySettings = { ...DEFAULT_POLICY, ...(JSON.parse(r.settings) as Partial<PolicySettings>) };
    return {
      id: r.id,
      name: r.name,
      displayNumber: Number(r.displayNumber),
      loggedIn: Number(r.loggedIn) === 1,
      showOnRepList: Number(r.show) === 1,
      canBeListed: policy.canBeListed,
      disabled: Number(r.disabled) === 1,
    };
  });
}
