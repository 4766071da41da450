import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINK_LIFETIME, linkLifetimeMinutes, linkStatus, planLinkTarget } from '../../src/core/entry-links.js';
import { judgeOrigin, normalizeOrigin } from '../../src/core/origins.js';
import { averageTimeToAccept, remainingWait } from '../../src/core/wait-estimate.js';
import { representativeList, type RepListCandidate } from '../../src/core/rep-list.js';
import { LobbyError } from '../../src/core/errors.js';

const admin = { repId: 'ada', isAdmin: true };
const rep = { repId: 'ann', isAdmin: false };

function refusal(fn: () => unknown): { code: string; field: string | undefined } {
  try {
    fn();
  } catch (err) {
    if (err instanceof LobbyError) return { code: err.code, field: err.field };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('C4, C5: link targets', () => {
  it('admins aim at a rep, a team or an issue; a chat link may name none (C7: general queue)', () => {
    expect(planLinkTarget('button', admin, { repId: 'bob' })).toEqual({ targetKind: 'rep', targetId: 'bob', issueCode: null });
    expect(planLinkTarget('button', admin, { teamId: 'hd', issueCode: 'vpn' })).toEqual({ targetKind: 'team', targetId: 'hd', issueCode: 'vpn' });
    expect(planLinkTarget('button', admin, { issueCode: 'vpn' })).toEqual({ targetKind: 'issue', targetId: 'vpn', issueCode: 'vpn' });
    expect(planLinkTarget('chat', admin, {})).toEqual({ targetKind: 'general', targetId: null, issueCode: null });
    expect(refusal(() => planLinkTarget('button', admin, {}))).toEqual({ code: 'invalid_input', field: 'repId' });
    expect(refusal(() => planLinkTarget('chat', admin, { repId: 'a', teamId: 'b' }))).toEqual({ code: 'invalid_input', field: 'teamId' });
  });

  it('Q1: other reps only reach their own personal queue', () => {
    expect(planLinkTarget('chat', rep, {})).toEqual({ targetKind: 'rep', targetId: 'ann', issueCode: null });
    expect(planLinkTarget('button', rep, { repId: 'ann', issueCode: 'vpn' })).toEqual({ targetKind: 'rep', targetId: 'ann', issueCode: 'vpn' });
    expect(refusal(() => planLinkTarget('button', rep, { repId: 'bob' })).code).toBe('forbidden');
    expect(refusal(() => planLinkTarget('chat', rep, { teamId: 'hd' })).code).toBe('forbidden');
  });

  it('C4: buttons always have a lifetime (7 days unless given); chat links only when given', () => {
    expect(linkLifetimeMinutes('button', undefined)).toBe(LINK_LIFETIME.buttonDefaultMinutes);
    expect(linkLifetimeMinutes('chat', undefined)).toBeNull();
    expect(linkLifetimeMinutes('chat', 1)).toBe(1);
    for (const bad of [0, -1, 1.5, LINK_LIFETIME.maxMinutes + 1]) {
      expect(refusal(() => linkLifetimeMinutes('button', bad))).toEqual({ code: 'invalid_input', field: 'expiresInMinutes' });
    }
  });

  it('C4: a link works until its expiry (exclusive) unless revoked', () => {
    expect(linkStatus({ expires_at: 100, revoked_at: null }, 99)).toBe('active');
    expect(linkStatus({ expires_at: 100, revoked_at: null }, 100)).toBe('expired');
    expect(linkStatus({ expires_at: null, revoked_at: null }, 1e15)).toBe('active');
    expect(linkStatus({ expires_at: null, revoked_at: 5 }, 1)).toBe('revoked');
  });
});

describe('C5: origins allowed to use the customer API', () => {
  const allowed = ['https://shop.example.com', 'http://localhost:8081'];
  it.each([
    [undefined, 'none'],
    ['https://shop.example.com', 'allowed'],
    ['https://SHOP.example.com:443', 'allowed'],
    ['http://localhost:8081', 'allowed'],
    ['http://localhost:8082', 'refused'],
    ['http://shop.example.com', 'refused'],
    ['null', 'refused'],
    ['file://', 'refused'],
    ['http://lobby.local:8080', 'same'],
  ])('%s is %s', (origin, verdict) => {
    expect(judgeOrigin(origin, 'lobby.local:8080', allowed)).toBe(verdict);
  });

  it('normalizes to scheme, host and non-default port', () => {
    expect(normalizeOrigin('HTTPS://Example.COM:443/')).toBe('https://example.com');
    expect(normalizeOrigin('ftp://example.com')).toBeNull();
  });
});

describe('Q9: estimated wait', () => {
  it('is the mean of recent times-to-accept, less the time already waited, never negative', () => {
    expect(averageTimeToAccept([])).toBeNull();
    expect(averageTimeToAccept([60_000, 120_000])).toBe(90_000);
    expect(remainingWait(90_000, 30_000)).toBe(60_000);
    expect(remainingWait(90_000, 100_000)).toBe(0);
    expect(remainingWait(null, 0)).toBeNull();
  });

  it('lies between the shortest and longest sample, and only falls as the customer waits', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10_000_000), { minLength: 1, maxLength: 20 }), fc.nat(1_000_000), fc.nat(1_000_000), (waits, a, b) => {
        const avg = averageTimeToAccept(waits)!;
        expect(avg).toBeGreaterThanOrEqual(Math.min(...waits));
        expect(avg).toBeLessThanOrEqual(Math.max(...waits));
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(remainingWait(avg, late)!).toBeLessThanOrEqual(remainingWait(avg, early)!);
      }),
    );
  });
});

describe('C2: the representative list', () => {
  const rep = (id: string, over: Partial<RepListCandidate> = {}): RepListCandidate => ({
    id,
    name: id.toUpperCase(),
    displayNumber: 1,
    loggedIn: true,
    showOnRepList: true,
    canBeListed: true,
    disabled: false,
    ...over,
  });

  it('lists logged-in, allowed, willing reps by display number, then name', () => {
    const list = representativeList([
      rep('zed', { displayNumber: 1 }),
      rep('amy', { displayNumber: 2 }),
      rep('bea', { displayNumber: 1 }),
      rep('off', { loggedIn: false }),
      rep('shy', { showOnRepList: false }),
      rep('no', { canBeListed: false }),
      rep('old', { disabled: true }),
    ]);
    expect(list.map((r) => r.id)).toEqual(['bea', 'zed', 'amy']);
  });
});
