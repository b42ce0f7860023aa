import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  Aggregate,
  AggregateCommand,
  Confidence,
  foldAggregate,
  NewEvent,
  parseEffectiveTime,
  RecordedEvent,
  Source,
  streamIdOf,
} from '@timeline/domain';
import { AppendResult, EventStore, IdempotencyKeyTaken, WrongExpectedVersion } from '@timeline/event-store';
import { replayStoredAnswer } from '../http/idempotency';
import { ProblemException } from '../http/problem';
import type { WriteContext } from '../http/write-context';
import { EVENT_STORE } from '../runtime/tokens';
import { RecentStreams } from './recent-streams';

/** What the caller states about the fact: when it took effect and on what source. */
export interface FactInput {
  readonly effectiveAt: string;
  readonly source: Source;
  readonly confidence?: Confidence;
}

export interface WriteBody {
  readonly id: string;
  readonly version: number;
  readonly eventIds: string[];
  readonly position: string;
}

export interface WriteAnswer {
  readonly status: number;
  readonly body: WriteBody;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  readonly replayed: boolean;
}

const RETRIES_ON_CONCURRENT_CHANGE = 3;

/**
 * Load the stream, decide, append against the version that was read.
 * Without If-Match a concurrent change is retried on the new state; with it,
 * the client asked for that exact version, so a change is a 412.
 *
 * The stream is loaded from the histories this process wrote last when it
 * has it (one round trip to the store per command instead of two), and read
 * from the store when it has not, on a conflict, and before answering 412.
 */
@Injectable()
export class AggregateWriter {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly recent: RecentStreams,
  ) {}

  async execute<State, Command extends AggregateCommand>(
    aggregate: Aggregate<State, Command>,
    command: Command,
    fact: FactInput,
    context: WriteContext,
    successStatus: number,
  ): Promise<WriteAnswer> {
    const effectiveAt = parseEffectiveTime(fact.effectiveAt);
    const id = aggregate.idOf(command);
    return this.appendDecided(
      { streamId: streamIdOf(aggregate, id), streamType: aggregate.streamType, answerId: id, context, successStatus },
      (history) =>
        aggregate.decide(command, foldAggregate(aggregate, history)).map((event) => ({
          id: uuidv7(),
          type: event.type,
          schemaVersion: aggregate.schemaVersion,
          data: event.data,
          effectiveAt,
          source: fact.source,
          confidence: fact.confidence ?? 'reported',
          actor: context.actor,
          correlationId: context.correlationId,
          causationId: null,
        })),
    );
  }

  /**
   * The write loop every command shares: answer a repeated Idempotency-Key
   * from the store, read the stream, check If-Match, let `decide` make the
   * events from the history, append against the version read, and on a
   * concurrent change decide again (or 412 when If-Match pinned the version).
   */
  async appendDecided(
    target: { streamId: string; streamType: string; answerId: string; context: WriteContext; successStatus: number },
    decide: (history: readonly RecordedEvent[]) => NewEvent[],
  ): Promise<WriteAnswer> {
    const { streamId, streamType, answerId, context, successStatus } = target;
    const replay = await replayStoredAnswer<WriteBody>(this.store, context);
    if (replay) return replay;
    for (let attempt = 0; ; attempt++) {
      let history = (attempt === 0 && this.recent.get(streamId)) || (await this.store.readStream(streamId));
      if (context.expectedVersion !== undefined && context.expectedVersion !== history.length) {
        // A remembered history may be behind the store: ask it before refusing.
        history = await this.store.readStream(streamId);
        if (context.expectedVersion !== history.length) throw preconditionFailed(streamId, context.expectedVersion, history.length);
      }
      const version = history.length;
      const events = decide(history);
      try {
        const result = await this.store.append({
          streamId,
          streamType,
          expectedVersion: version === 0 ? 'no_stream' : version,
          events,
          idempotency: context.idempotency && {
            ...context.idempotency,
            respond: (appended) => ({ status: successStatus, body: answerBody(answerId, appended) }),
          },
        });
        this.recent.remember(streamId, streamType, history, events, result);
        return { status: successStatus, body: answerBody(answerId, result), replayed: false };
      } catch (error) {
        this.recent.forget(streamId);
        if (error instanceof IdempotencyKeyTaken) {
          const stored = await replayStoredAnswer<WriteBody>(this.store, context);
          if (stored) return stored;
        }
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (context.expectedVersion !== undefined) throw preconditionFailed(streamId, context.expectedVersion, error.actual);
        if (attempt >= RETRIES_ON_CONCURRENT_CHANGE) throw error;
      }
    }
  }
}

function answerBody(id: string, result: AppendResult): WriteBody {
  return { id, version: result.version, eventIds: result.events.map((event) => event.id), position: result.position };
}

function preconditionFailed(streamId: string, expected: number, actual: number): ProblemException {
  return new ProblemException(
    HttpStatus.PRECONDITION_FAILED,
    'version_mismatch',
    'Precondition failed',
    `If-Match asked for version ${expected} but ${streamId} is at version ${actual}`,
    [{ field: 'If-Match', message: `is "${expected}", the current version is "${actual}"` }],
    { currentVersion: actual, streamId },
  );
}
