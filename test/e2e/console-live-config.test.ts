/**
 * An open console follows the admin's changes without a reload (SPEC I3 "applied live",
 * Q3, Q6): a rep added to a team sees that team's queue appear, and its sessions arrive
 * live; the general queue switched off leaves the list, also when nothing waits in it
 * (no session moves, so only the site's `config.changed` tells the console).
 */
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../support/admin-client.js';
import { RepClient } from '../support/lobby-harness.js';
import type { Page } from 'playwright-core';
import { CONSOLE_PASSWORD, consoleSuite, customerAsks, haveChromium, waitingItem } from './browser-harness.js';

/** A queue's chip in the dashboard's queue list (every queue the rep sees, empty ones too). */
function chip(page: Page, title: string) {
  return page.getByRole('list', { name: 'Queues' }).locator('.queue-chip__name').getByText(title, { exact: true });
}

describe.skipIf(!haveChromium)('the console follows admin changes live', () => {
  const suite = consoleSuite();

  it('Q6, Q3, I3: a team added and the general queue switched off show on the open dashboard, and the new team’s sessions arrive live', { timeout: 90_000 }, async () => {
    // The page and the server are the same either way; the server's side is checked on both stores (admin-live-feed.test.ts).
    const t = await suite.lobby('sqlite');
    const admin = await AdminClient.as(t.url, 'rita', CONSOLE_PASSWORD);
    const queues = (await (await RepClient.login(t.url, 'dan', CONSOLE_PASSWORD)).get('/api/rep/queues')).body.queues as { kind: string; name: string }[];
    const general = queues.find((q) => q.kind === 'general')!.name;
    const dan = await suite.rep(t, 'dan');
    await chip(dan.page, 'Network').waitFor();
    await chip(dan.page, general).waitFor();
    expect(await chip(dan.page, 'Helpdesk').count()).toBe(0);

    expect((await admin.patch('/api/admin/users/dan', { teams: [{ team: 'network' }, { team: 'helpdesk' }] })).status).toBe(200);
    await chip(dan.page, 'Helpdesk').waitFor();
    // The console's feed now carries Helpdesk's sessions too: one appears without a reload.
    await customerAsks(t.url, { name: 'Hattie Helpdesk', details: 'My screen is upside down.' });
    await waitingItem(dan.page, 'Hattie Helpdesk').waitFor();

    expect((await admin.patch('/api/admin/site', { generalQueueEnabled: false, fallbackQueue: 'helpdesk' })).status).toBe(200);
    await chip(dan.page, general).waitFor({ state: 'detached' });
    await chip(dan.page, 'Helpdesk').waitFor();
  });
});
