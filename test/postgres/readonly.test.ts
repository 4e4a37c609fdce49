/**
 * A PostgreSQL database that refuses writes (LOG10, STO1), on two real node processes: alpha's
 * database answers every write with PostgreSQL's read-only error (SQLSTATE 25006, "cannot
 * execute INSERT in a read-only transaction"). An author gets a clear 503, reads still work,
 * nothing is half-written at either node; once the database takes writes again, the next message
 * takes the next seq and both nodes converge on the same events.
 *
 * How the database refuses: a statement trigger on every table of alpha's schema raises that
 * error, at once for every session. `default_transaction_read_only` itself (`ALTER ROLE … SET`)
 * only reaches new sessions, so alpha's would have to be ended; the last test ends alpha's
 * sessions over and over under load and checks every author gets 201 or 503 and the node lives.
 * The store tests cover a session that is really read-only (src/store/postgres.test.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LiaisonEvent } from '../../src/core/types.ts';
import {
  ApiClient,
  type Cluster,
  eventually,
  HOTLINE,
  startCluster,
  waitLinkUp,
} from '../support/cluster.ts';
import { sqlIdentifier, withPostgres } from '../support/postgres.ts';

interface EventsPage {
  events: LiaisonEvent[];
}

async function hotlineEvents(client: ApiClient): Promise<LiaisonEvent[]> {
  return (await client.get<EventsPage>(`/api/v1/lines/${HOTLINE}/events?limit=10000`)).events;
}

/** The seqs of `origin`'s events, in order; a chain without gaps is 1, 2, 3, … */
function seqsOf(events: LiaisonEvent[], origin: string): number[] {
  return events
    .filter((e) => e.origin === origin)
    .map((e) => e.seq)
    .sort((a, b) => a - b);
}

function assertNoGap(seqs: number[], what: string): void {
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
    what,
  );
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Makes every write to a table of `schema` fail as in a read-only transaction, or stops it. */
async function refuseWrites(schema: string, isRefusing: boolean): Promise<void> {
  const quoted = sqlIdentifier(schema);
  await withPostgres(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `select table_name as name from information_schema.tables
        where table_schema = $1 and table_type = 'BASE TABLE'`,
      [schema],
    );
    if (isRefusing) {
      await client.query(`create function ${quoted}.refuse_writes() returns trigger language plpgsql as $$
        begin
          raise exception 'cannot execute % in a read-only transaction', tg_op
            using errcode = 'read_only_sql_transaction';
        end $$`);
    }
    for (const { name } of rows) {
      const table = `${quoted}.${sqlIdentifier(name)}`;
      await client.query(
        isRefusing
          ? `create trigger refuse_writes before insert or update or delete or truncate on ${table}
               for each statement execute function ${quoted}.refuse_writes()`
          : `drop trigger refuse_writes on ${table}`,
      );
    }
    if (!isRefusing) await client.query(`drop function ${quoted}.refuse_writes()`);
  });
}

describe('[LOG10] a PostgreSQL database that refuses writes', { timeout: 120_000 }, () => {
  const refusedText = `refused while read-only ${randomBytes(4).toString('hex')}`;
  let cluster: Cluster;
  let alpha: ApiClient;
  let bravo: ApiClient;
  let alphaSchema = '';

  /** Rows in alpha's database that hold the refused text (events, or messages projecting one). */
  const refusedRowsAtAlpha = () =>
    withPostgres(async (client) => {
      const schema = sqlIdentifier(alphaSchema);
      const { rows } = await client.query<{ n: string }>(
        `select (select count(*) from ${schema}.events where envelope like $1)
              + (select count(*) from ${schema}.messages m join ${schema}.events e on e.id = m.id
                 where e.envelope like $1) as n`,
        [`%${refusedText}%`],
      );
      return Number(rows[0]?.n);
    });

  before(async () => {
    cluster = await startCluster({ store: 'postgres' });
    alphaSchema = cluster.envFor('alpha').LIAISON_DB_SCHEMA ?? '';
    // Logins write sessions: both before the database refuses writes.
    alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    bravo = await ApiClient.login(cluster.node('bravo').url, 'officer');
    await waitLinkUp(alpha);
  });

  after(async () => {
    await cluster?.stop();
  });

  it('refuses a message with 503 store-unavailable, still serves reads, writes nothing; recovers', async () => {
    // ROUTINE throughout: no deadline falls due (and is recorded) during the test.
    const post = (client: ApiClient, text: string) =>
      client.request('POST', `/api/v1/lines/${HOTLINE}/messages`, { text, precedence: 'ROUTINE' });
    const first = (await post(alpha, 'before the outage')).body as LiaisonEvent;
    await eventually('bravo to hold the first message', async () =>
      (await hotlineEvents(bravo)).some((e) => e.id === first.id) ? true : undefined,
    );

    await refuseWrites(alphaSchema, true);
    const refused = await post(alpha, refusedText);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    const problem = refused.body as { error: string; message: string };
    assert.equal(problem.error, 'store-unavailable');
    assert.match(problem.message, /read-only/, 'the message says why');

    // bravo keeps writing; what it pushes cannot be stored at alpha until alpha can write.
    const fromBravo = await post(bravo, 'bravo during the outage');
    assert.equal(fromBravo.status, 201);
    // Reads need no writes.
    const duringOutage = await hotlineEvents(alpha);
    assert.ok(duringOutage.some((e) => e.id === first.id));
    assert.ok(!duringOutage.some((e) => JSON.stringify(e.body).includes(refusedText)));
    assert.equal((await alpha.request('GET', `/api/v1/messages/${first.id}`)).status, 200);
    assert.equal((await fetch(`${cluster.node('alpha').url}/healthz`)).status, 200);
    await pause(1500); // alpha's heads recorder and bravo's pushes fail a round or two meanwhile
    assert.equal(await refusedRowsAtAlpha(), 0, 'no row of the refused message in alpha’s database');

    await refuseWrites(alphaSchema, false);
    const recovered = await post(alpha, 'after the outage');
    assert.equal(recovered.status, 201, JSON.stringify(recovered.body));
    const next = recovered.body as LiaisonEvent;
    const atAlpha = await hotlineEvents(alpha);
    assertNoGap(seqsOf(atAlpha, 'alpha'), 'the refused message took no seq: alpha’s chain has no gap');
    const previous = atAlpha.find((e) => e.origin === 'alpha' && e.seq === next.seq - 1);
    assert.equal(next.prev, previous?.id, 'it chains to alpha’s last held event');

    const bravoId = (fromBravo.body as LiaisonEvent).id;
    const converged = await eventually(
      'both nodes to hold the same events',
      async () => {
        const [held, atBravo] = await Promise.all([hotlineEvents(alpha), hotlineEvents(bravo)]);
        const ids = (events: LiaisonEvent[]) => JSON.stringify(events.map((e) => e.id).sort());
        const isComplete = [next.id, bravoId].every((id) => held.some((e) => e.id === id));
        return isComplete && ids(held) === ids(atBravo) ? atBravo : undefined;
      },
      30_000,
    );
    assert.ok(!converged.some((e) => JSON.stringify(e.body).includes(refusedText)), 'bravo never got it');
    assertNoGap(seqsOf(converged, 'alpha'), 'bravo holds alpha’s chain without a gap');
    assert.equal(await refusedRowsAtAlpha(), 0);
  });
});

describe('[LOG10] a node whose database sessions are ended under load', { timeout: 60_000 }, () => {
  const application = `liaison_cut_test_${randomBytes(5).toString('hex')}`;
  let cluster: Cluster;

  before(async () => {
    // PGAPPNAME names alpha's sessions, so only they are ended. The authors here are a load
    // generator, above the API's rate limit (SEC4, tested in test/integration/rate-limits.test.ts).
    cluster = await startCluster({
      store: 'postgres',
      env: { LIAISON_API_RATE_LIMIT: '1000/s,10000' },
      nodeEnv: { alpha: { PGAPPNAME: application } },
    });
  });

  after(async () => {
    await cluster?.stop();
  });

  it('answers every author with 201 or 503 (store-unavailable) and keeps running', async () => {
    const alpha = await ApiClient.login(cluster.node('alpha').url, 'officer');
    const statuses = new Set<number | string>();
    let isCutting = true;
    const cutting = (async () => {
      while (isCutting) {
        await withPostgres((client) =>
          client.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
            application,
          ]),
        );
        await pause(50);
      }
    })();
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      const posts = Array.from({ length: 5 }, (_, i) =>
        alpha
          .request('POST', `/api/v1/lines/${HOTLINE}/messages`, { text: `cut ${i}`, precedence: 'ROUTINE' })
          .then(
            (r) => r.status,
            (error: Error) => error.message,
          ),
      );
      for (const status of await Promise.all(posts)) statuses.add(status);
    }
    isCutting = false;
    await cutting;
    assert.deepEqual(
      [...statuses].filter((s) => s !== 201 && s !== 503),
      [],
    );
    assert.equal(cluster.node('alpha').process?.exitCode, null, 'alpha is still running');
    const after = await alpha.request('POST', `/api/v1/lines/${HOTLINE}/messages`, {
      text: 'after the cuts',
      precedence: 'ROUTINE',
    });
    assert.equal(after.status, 201);
  });
});
