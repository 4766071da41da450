import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { STORE_KINDS, openTestStore, type TestStore } from '../support/test-stores.js';
import { ManualClock } from '../../src/engine/clock.js';
import { Engine } from '../../src/engine/engine.js';
import { randomIds } from '../../src/engine/ids.js';
import { importSiteConfig } from '../../src/config/import-config.js';
import { FIXTURE_SITE } from '../support/fixture-site.js';

const logger = pino({ level: 'silent' });

describe.each(STORE_KINDS)('presence and durable timers on %s', (kind) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function setUp(clock: ManualClock) {
    t = await openTestStore(kind);
    await importSiteConfig(t.store, FIXTURE_SITE, clock.now());
    const engine = new Engine({ store: t.store, clock, ids: randomIds, logger });
    await engine.start();
    return engine;
  }

  const presence = (engine: Engine, repId: string) =>
    engine.store.db.selectFrom('presence').selectAll().where('user_id', '=', repId).executeTakeFirstOrThrow();

  it('A1: a rep stays logged in through the grace period after the last connection drops, then is logged out', async () => {
    const clock = new ManualClock();
    const engine = await setUp(clock);
    await engine.repConnected('ann');
    await engine.repConnected('ann');
    await engine.repDisconnected('ann');
    expect((await presence(engine, 'ann')).logged_in).toBe(1);
    await engine.repDisconnected('ann');
    clock.advance(59_999);
    await engine.timersIdle();
    expect((await presence(engine, 'ann')).logged_in).toBe(1);
    const loggedOut = engine.bus.next((e) => e.type === 'rep.state' && e.repId === 'ann' && e.data.loggedIn === false);
    clock.advance(1);
    expect((await loggedOut).data).toMatchObject({ state: 'offline', loggedIn: false });
    expect((await presence(engine, 'ann')).logged_in).toBe(0);
    await engine.stop();
  });

  it('A1: a reconnect within the grace period keeps the rep logged in, and the timer never fires', async () => {
    const clock = new ManualClock();
    const engine = await setUp(clock);
    await engine.repConnected('bob');
    await engine.repDisconnected('bob');
    clock.advance(30_000);
    await engine.repConnected('bob');
    clock.advance(120_000);
    await engine.timersIdle();
    expect((await presence(engine, 'bob')).logged_in).toBe(1);
    const graceTimers = await engine.store.db.selectFrom('timers').selectAll().where('kind', '=', 'rep.grace').execute();
    expect(graceTimers).toHaveLength(0);
    const states = await engine.store.db.selectFrom('events').select('data').where('type', '=', 'rep.state').where('rep_id', '=', 'bob').execute();
    expect(states.map((e) => JSON.parse(e.data).loggedIn).filter((v) => v !== undefined)).toEqual([true, true]);
    await engine.stop();
  });

  it('W4: a timer that fell due while the server was down fires at start, exactly once', async () => {
    const clock = new ManualClock();
    const first = await setUp(clock);
    await first.repConnected('ann');
    await first.repDisconnected('ann');
    await first.stop();
    await t!.store.close();
    // Down for ten minutes; the grace period ended meanwhile.
    clock.advance(10 * 60_000);
    const store = await t!.reopen();
    const second = new Engine({ store, clock, ids: randomIds, logger });
    const third = new Engine({ store, clock, ids: randomIds, logger });
    // Two engines on one store, as two nodes would be: the timer still runs once.
    await Promise.all([second.start(), third.start()]);
    await Promise.all([second.timersIdle(), third.timersIdle()]);
    const p = await presence(second, 'ann');
    expect(p.logged_in).toBe(0);
    const loggedOut = await store.db.selectFrom('events').select('data').where('type', '=', 'rep.state').where('rep_id', '=', 'ann').execute();
    expect(loggedOut.map((e) => JSON.parse(e.data).loggedIn).filter((v) => v !== undefined)).toEqual([true, false]);
    await Promise.all([second.stop(), third.stop()]);
  });
});
