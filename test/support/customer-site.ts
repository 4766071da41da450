/**
 * The fixture site plus what the customer-side tests need: an admin, a rep whose policy
 * keeps them off the representative list, a second team, an issue with skills, a notice
 * for waiting customers and an allowed origin for the click-to-chat widget.
 */
import { FIXTURE_PASSWORD, FIXTURE_SITE } from './fixture-site.js';
import { customerGet, request, type LiveSocket, type RepClient } from './lobby-harness.js';

export const ALLOWED_ORIGIN = 'https://shop.example.com';
export const NOTICE = 'We answer within minutes on weekdays.';

export function customerSite(extra: { allowedOrigins?: string[]; customerGraceSeconds?: number } = {}) {
  return {
    ...FIXTURE_SITE,
    site: {
      ...FIXTURE_SITE.site,
      customerNotice: NOTICE,
      customerGraceSeconds: extra.customerGraceSeconds ?? 120,
      allowedOrigins: extra.allowedOrigins ?? [ALLOWED_ORIGIN],
    },
    policies: [...FIXTURE_SITE.policies, { id: 'unlisted', name: 'Never listed', canBeListed: false }],
    users: [
      ...FIXTURE_SITE.users,
      { login: 'eve', displayName: 'Eve Early', displayNumber: 5, policy: 'unlisted', password: FIXTURE_PASSWORD },
      { login: 'abe', displayName: 'Abe Able', displayNumber: 6, policy: 'standard', password: FIXTURE_PASSWORD },
      { login: 'ada', displayName: 'Ada Admin', displayNumber: 90, policy: 'standard', password: FIXTURE_PASSWORD, admin: true, showOnRepList: false },
    ],
    skills: [{ id: 'network', name: 'Networking' }],
    issues: [...FIXTURE_SITE.issues, { code: 'vpn', title: 'VPN access', team: 'helpdesk', priority: 3, skills: ['network'], showOnPortal: false }],
  };
}

/** A rep counts as logged in (A1) while a console socket is open: opens one and waits for hello. */
export async function goOnline(rep: RepClient): Promise<LiveSocket> {
  const socket = await rep.socket();
  await socket.next((m) => m.type === 'hello');
  return socket;
}

export function del(rep: RepClient, path: string) {
  return request(`${rep.base}${path}`, { method: 'DELETE', headers: { cookie: rep.cookie, 'x-csrf-token': rep.csrf } });
}

export async function customerView(base: string, token: string) {
  const res = await customerGet(base, token, '/api/customer/session');
  if (res.status !== 200) throw new Error(`customer session: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.session;
}
