import { v7 as uuidv7 } from 'uuid';
import {
  Aggregate,
  AggregateCommand,
  Confidence,
  DomainEvent,
  EffectiveTime,
  foldAggregate,
  NewEvent,
  parseEffectiveTime,
  RecordedEvent,
  Source,
  streamIdOf,
} from '@timeline/domain';
import { AppendResult, EventStore, IdempotencyKeyTaken, WrongExpectedVersion } from '@timeline/event-store';
import { RecentStreams } from './recent-streams';
import { eventNotFound, IdempotencyKeyReused, VersionMismatch } from './write-errors';

/** Who writes, under which correlation, against which version, and under which idempotency key. */
export interface WriteMeta {
  readonly actor: string;
  readonly correlationId: string;
  /** The stream version the caller last saw; a write against any other version is refused. */
  readonly expectedVersion?: number;
  /** The caller's key, scoped to the caller, and a hash of what was asked under it. */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string };
}

/** What the caller states about the fact: when it took effect and on what source. */
export interface FactInput {
  readonly effectiveAt: string;
  readonly source: Source;
  readonly confidence?: Confidence;
}

/** The outcome of a write, and the answer kept under its idempotency key. */
export interface WriteResult {
  /** The entity the write is about (for a revision or a claim: the stream of the event it is about). */
  readonly id: string;
  readonly version: number;
  readonly eventIds: string[];
  readonly position: string;
}

export interface WriteOutcome extends WriteResult {
  /** True when this is the kept answer to an earlier write under the same idempotency key. */
  readonly replayed: boolean;
}

/** What an event about an existing event (a correction, a claim) carries besides its decision. */
export interface AnnotationInput {
  readonly schemaVersion: number;
  readonly source: Source;
  readonly confidence?: Confidence;
}

/** An event as a decider gives it: its type and data. */
type Decided = DomainEvent;

const RETRIES_ON_CONCURRENT_CHANGE = 3;

/**
 * The write core: load the stream, decide, append against the version that
 * was read. Without `expectedVersion` a concurrent change is decided again on
 * the new state; with it, the caller asked for that exact version, so a change
 * is a `VersionMismatch`. A repeated idempotency key gets the kept answer.
 *
 * The stream is loaded from the histories this process wrote last when it
 * has it (one round trip to the store per command instead of two), and read
 * from the store when it has not, on a conflict, and before refusing a version.
 *
 * It knows nothing of HTTP: refusals are domain errors (`DomainRuleViolation`
 * from the deciders, `VersionMismatch`, `IdempotencyKeyReused`), which the
 * transport turns into its own answers.
 */
export class CommandWriter {
  constructor(
    private readonly store: EventStore,
    private readonly recent: RecentStreams,
  ) {}

  /** One aggregate's command, decided on its stream. */
  async execute<State, Command extends AggregateCommand>(
    aggregate: Aggregate<State, Command>,
    command: Command,
    fact: FactInput,
    meta: WriteMeta,
  ): Promise<WriteOutcome> {
    const effectiveAt = parseEffectiveTime(fact.effectiveAt);
    const id = aggregate.idOf(command);
    const replay = await this.replay(meta);
    if (replay) return replay;
    return this.appendDecided({ streamId: streamIdOf(aggregate, id), streamType: aggregate.streamType, answerId: id }, meta, (history) =>
      aggregate
        .decide(command, foldAggregate(aggregate, history))
        .map((event) =>
          newEvent(event, aggregate.schemaVersion, effectiveAt, { source: fact.source, confidence: fact.confidence }, meta, null),
        ),
    );
  }

  /**
   * An event about an existing event — a correction, a retraction, a second
   * source, a competing claim — decided on the stream that holds it and
   * appended there, caused by it.
   */
  async annotate(
    eventId: string,
    input: AnnotationInput,
    meta: WriteMeta,
    decide: (stream: readonly RecordedEvent[], target: RecordedEvent) => readonly (Decided & { effectiveAt: EffectiveTime })[],
  ): Promise<WriteOutcome> {
    const replay = await this.replay(meta);
    if (replay) return replay;
    const target = await this.store.readEvent(eventId);
    if (!target) throw eventNotFound(eventId);
    return this.appendDecided({ streamId: target.streamId, streamType: target.streamType, answerId: target.streamId }, meta, (stream) =>
      decide(stream, target).map((decided) => newEvent(decided, input.schemaVersion, decided.effectiveAt, input, meta, target.id)),
    );
  }

  /** The loop every write shares, once a kept answer has been looked for. */
  private async appendDecided(
    target: { streamId: string; streamType: string; answerId: string },
    meta: WriteMeta,
    decide: (history: readonly RecordedEvent[]) => NewEvent[],
  ): Promise<WriteOutcome> {
    const { streamId, streamType, answerId } = target;
    for (let attempt = 0; ; attempt++) {
      let history = (attempt === 0 && this.recent.get(streamId)) || (await this.store.readStream(streamId));
      if (meta.expectedVersion !== undefined && meta.expectedVersion !== history.length) {
        // A remembered history may be behind the store: ask it before refusing.
        history = await this.store.readStream(streamId);
        if (meta.expectedVersion !== history.length) throw new VersionMismatch(streamId, meta.expectedVersion, history.length);
      }
      const version = history.length;
      const events = decide(history);
      try {
        const result = await this.store.append({
          streamId,
          streamType,
          expectedVersion: version === 0 ? 'no_stream' : version,
          events,
          idempotency: meta.idempotency && { ...meta.idempotency, respond: (appended) => resultOf(answerId, appended) },
        });
        this.recent.remember(streamId, streamType, history, events, result);
        return { ...resultOf(answerId, result), replayed: false };
      } catch (error) {
        this.recent.forget(streamId);
        if (error instanceof IdempotencyKeyTaken) {
          const stored = await this.replay(meta);
          if (stored) return stored;
        }
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (meta.expectedVersion !== undefined) throw new VersionMismatch(streamId, meta.expectedVersion, error.actual);
        if (attempt >= RETRIES_ON_CONCURRENT_CHANGE) throw error;
      }
    }
  }

  /** The answer kept for this idempotency key, if any; the same key with another request is refused. */
  private async replay(meta: WriteMeta): Promise<WriteOutcome | undefined> {
    if (!meta.idempotency) return undefined;
    const stored = await this.store.findIdempotentResponse(meta.idempotency.key);
    if (!stored) return undefined;
    if (stored.fingerprint !== meta.idempotency.fingerprint) throw new IdempotencyKeyReused();
    return { ...(stored.body as WriteResult), replayed: true };
  }
}

function newEvent(
  decided: Decided,
  schemaVersion: number,
  effectiveAt: EffectiveTime,
  sourced: { source: Source; confidence?: Confidence },
  meta: WriteMeta,
  causationId: string | null,
): NewEvent {
  return {
    id: uuidv7(),
    type: decided.type,
    schemaVersion,
    data: decided.data,
    effectiveAt,
    source: sourced.source,
    confidence: sourced.confidence ?? 'reported',
    actor: meta.actor,
    correlationId: meta.correlationId,
    causationId,
  };
}

function resultOf(id: string, result: AppendResult): WriteResult {
  return { id, version: result.version, eventIds: result.events.map((event) => event.id), position: result.position };
}
