import { v7 as uuidv7 } from 'uuid';
import { commitmentAggregate, DomainRuleViolation, RecordCommitment, streamIdOf } from '@timeline/domain';
import { PostgresEventStore } from '@timeline/event-store';
import { CommandWriter, IdempotencyKeyReused, RecentStreams, VersionMismatch, WriteMeta } from '@timeline/write';
import { BACKENDS, createTestDatabase, TestDatabase } from '../support/test-database';

// Made-up test data: no real source says this.
const source = { title: 'Made-up test source', publisher: 'Test Wire (made up)', publishedAt: '2021-09-10' };
const fact = { effectiveAt: '2021-09-10', source };

function recordLoan(commitmentId = uuidv7()): RecordCommitment {
  return {
    type: 'RecordCommitment',
    data: {
      commitmentId,
      kind: 'loan',
      title: 'Made-up loan',
      by: 'RU',
      to: 'BY',
      status: 'pledged',
      terms: { amount: '600000000', currency: 'USD' },
    },
  };
}

function meta(extra: Partial<WriteMeta> = {}): WriteMeta {
  return { actor: 'test', correlationId: uuidv7(), ...extra };
}

/** The write core on its own, over the real store: no HTTP, no Nest, refusals as domain errors. */
describe.each(BACKENDS)('the write core (%s)', (backend) => {
  let testDb: TestDatabase;
  let store: PostgresEventStore;
  let writer: CommandWriter;

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    store = new PostgresEventStore(testDb.db.pool);
    writer = new CommandWriter(store, new RecentStreams(1000));
  });
  afterAll(() => testDb.dispose());

  it('decides a command on its stream and appends the events, answering with the entity and its version', async () => {
    const command = recordLoan();
    const outcome = await writer.execute(commitmentAggregate, command, fact, meta());
    expect(outcome).toMatchObject({ id: command.data.commitmentId, version: 1, replayed: false });
    const stream = await store.readStream(streamIdOf(commitmentAggregate, command.data.commitmentId));
    expect(stream.map((event) => [event.id, event.type, event.actor])).toEqual([[outcome.eventIds[0], 'CommitmentRecorded', 'test']]);
    expect(outcome.position).toBe(stream[0].position);
  });

  it('gives the kept answer to a repeated idempotency key and refuses the key with another request', async () => {
    const idempotency = { key: `test:${uuidv7()}`, fingerprint: 'first' };
    const command = recordLoan();
    const first = await writer.execute(commitmentAggregate, command, fact, meta({ idempotency }));
    const again = await writer.execute(commitmentAggregate, command, fact, meta({ idempotency }));
    const { replayed: _first, ...result } = first;
    expect(again).toEqual({ ...result, replayed: true });
    expect(await store.readStream(streamIdOf(commitmentAggregate, command.data.commitmentId))).toHaveLength(1);
    await expect(
      writer.execute(commitmentAggregate, recordLoan(), fact, meta({ idempotency: { ...idempotency, fingerprint: 'other' } })),
    ).rejects.toBeInstanceOf(IdempotencyKeyReused);
  });

  it('refuses a write pinned to a version the stream has left, naming both versions', async () => {
    const command = recordLoan();
    const commitmentId = command.data.commitmentId;
    await writer.execute(commitmentAggregate, command, fact, meta());
    const amend = { type: 'AmendCommitmentTerms' as const, data: { commitmentId, changes: { amount: '500000000' } } };
    await writer.execute(commitmentAggregate, amend, fact, meta({ expectedVersion: 1 }));
    const refusal = writer.execute(commitmentAggregate, amend, fact, meta({ expectedVersion: 1 }));
    await expect(refusal).rejects.toBeInstanceOf(VersionMismatch);
    await expect(refusal).rejects.toMatchObject({ streamId: streamIdOf(commitmentAggregate, commitmentId), expected: 1, actual: 2 });
  });

  it('decides again on the stored stream when another writer moved it on, without a pinned version', async () => {
    const command = recordLoan();
    const commitmentId = command.data.commitmentId;
    await writer.execute(commitmentAggregate, command, fact, meta());
    const other = new CommandWriter(store, new RecentStreams(1000));
    await other.execute(
      commitmentAggregate,
      { type: 'RecordDisbursement', data: { commitmentId, amount: '600000000', currency: 'USD' } },
      fact,
      meta(),
    );
    // This writer remembers version 1 with nothing disbursed; deciding on the store, nothing is left to disburse.
    await expect(
      writer.execute(
        commitmentAggregate,
        { type: 'RecordDisbursement', data: { commitmentId, amount: '1', currency: 'USD' } },
        fact,
        meta(),
      ),
    ).rejects.toMatchObject({ code: 'exceeds_outstanding' });
  });

  it('refuses an annotation of an event no stream holds, as a domain error naming eventId', async () => {
    const missing = uuidv7();
    const refusal = writer.annotate(missing, { schemaVersion: 1, source }, meta(), () => []);
    await expect(refusal).rejects.toBeInstanceOf(DomainRuleViolation);
    await expect(refusal).rejects.toMatchObject({ code: 'event_not_found', field: 'eventId', message: `no event has id ${missing}` });
  });

  it('appends an annotation to the stream of the event it is about, caused by that event', async () => {
    const command = recordLoan();
    const recorded = await writer.execute(commitmentAggregate, command, fact, meta());
    const outcome = await writer.annotate(
      recorded.eventIds[0],
      { schemaVersion: 1, source, confidence: 'confirmed' },
      meta(),
      (stream, target) => {
        expect(stream.map((event) => event.id)).toEqual([target.id]);
        return [{ type: 'EventRetracted', data: { eventId: target.id, reason: 'made-up reason' }, effectiveAt: target.effectiveAt }];
      },
    );
    expect(outcome).toMatchObject({ id: streamIdOf(commitmentAggregate, command.data.commitmentId), version: 2 });
    const [, retraction] = await store.readStream(streamIdOf(commitmentAggregate, command.data.commitmentId));
    expect(retraction).toMatchObject({ type: 'EventRetracted', causationId: recorded.eventIds[0], confidence: 'confirmed', source });
  });
});
