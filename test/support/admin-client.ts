/**
 * Admin API helpers for tests: a logged-in admin (or any rep) that can also PATCH and
 * DELETE, and the demo/fixture sites with an admin in them.
 */
import { FIXTURE_PASSWORD, FIXTURE_SITE } from './fixture-site.js';
import { RepClient, request, type Reply } from './lobby-harness.js';

export class AdminClient extends RepClient {
  static async as(base: string, login: string, password = FIXTURE_PASSWORD): Promise<AdminClient> {
    const rep = await RepClient.login(base, login, password);
    return new AdminClient(rep.base, rep.cookie, rep.csrf, rep.id);
  }

  patch<T = any>(path: string, json: unknown = {}): Promise<Reply<T>> {
    return request<T>(`${this.base}${path}`, { method: 'PATCH', json, headers: { cookie: this.cookie, 'x-csrf-token': this.csrf } });
  }

  delete<T = any>(path: string): Promise<Reply<T>> {
    return request<T>(`${this.base}${path}`, { method: 'DELETE', headers: { cookie: this.cookie, 'x-csrf-token': this.csrf } });
  }
}

/** The fixture site (test/support/fixture-site.ts) plus an admin, `root`, who is in no team. */
export const ADMIN_SITE = {
  ...FIXTURE_SITE,
  users: [
    ...FIXTURE_SITE.users,
    { login: 'root', displayName: 'Rita Root', displayNumber: 90, policy: 'standard', admin: true, showOnRepList: false, password: FIXTURE_PASSWORD },
  ],
};
