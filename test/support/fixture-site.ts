/**
 * A small site for server tests: a helpdesk team (ann, bob), an embassy (cara), a rep with
 * no team (dan). Routing is `none` everywhere, so sessions wait for a manual accept (the
 * automatic routing suite uses its own sites).
 */
export const FIXTURE_PASSWORD = 'correct horse';

export const FIXTURE_SITE = {
  version: 1,
  site: { siteName: 'Test site', repGraceSeconds: 60 },
  generalQueue: { algorithm: 'none' },
  policies: [{ id: 'standard', name: 'Standard' }, { id: 'no-general', name: 'No general queue', canSeeGeneralQueue: false }],
  users: [
    { login: 'ann', displayName: 'Ann Archer', displayNumber: 1, policy: 'standard', password: FIXTURE_PASSWORD },
    { login: 'bob', displayName: 'Bob Baker', displayNumber: 2, policy: 'standard', password: FIXTURE_PASSWORD },
    { login: 'cara', displayName: 'Cara Cole', displayNumber: 3, policy: 'standard', password: FIXTURE_PASSWORD },
    { login: 'dan', displayName: 'Dan Dune', displayNumber: 4, policy: 'no-general', password: FIXTURE_PASSWORD },
  ],
  teams: [
    { id: 'helpdesk', name: 'Helpdesk', algorithm: 'none', members: [{ user: 'ann' }, { user: 'bob', role: 'lead' }] },
    { id: 'vendor', name: 'Vendor support', kind: 'embassy', algorithm: 'none', members: [{ user: 'cara' }] },
  ],
  issues: [
    { code: 'printer', title: 'Printer trouble', team: 'helpdesk', priority: 0, showOnPortal: true },
    { code: 'outage', title: 'Service outage', team: 'helpdesk', priority: 5, showOnPortal: true },
    { code: 'erp', title: 'ERP system', team: 'vendor', priority: 0, showOnPortal: true },
    { code: 'internal', title: 'Internal only', team: 'helpdesk', priority: 0, showOnPortal: false },
  ],
};

/** The fixture site with every team routing automatically (least_busy, offers of 30 s). */
export const AUTOMATIC_SITE = {
  ...FIXTURE_SITE,
  teams: FIXTURE_SITE.teams.map((t) => ({ ...t, algorithm: 'least_busy', offerTimeoutSeconds: 30 })),
};
