import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import {
  applyRevisions,
  commitmentDecider,
  CommitmentCommand,
  CommitmentEvent,
  CommitmentState,
  Confidence,
  NewEvent,
  parseEffectiveTime,
  RecordedEvent,
  Source,
} from '@timeline/domain';
import { AppendResult, EventStore, IdempotencyKeyTaken, WrongExpectedVersion } from '@timeline/event-store';
import { replayStoredAnswer } from '../http/idempotency';
import { ProblemException } from '../http/problem';
import type { WriteContext } from '../http/write-context';
import { EVENT_STORE } from '../runtime/tokens';

export const COMMITMENT_STREAM_TYPE = 'commitment';
export const COMMITMENT_SCHEMA_VERSION = 1;

export function commitmentStreamId(commitmentId: string): string {
  return `commitment-${commitmentId}`;
}

/** What the caller states about the fact: when it took effect and on what source. */
export interface FactInput {
  readonly effectiveAt: string;
  readonly source: Source;
  readonly confidence?: Confidence;
}

export interface WriteAnswer {
  readonly status: number;
  readonly body: WriteBody;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  readonly replayed: boolean;
}

export interface WriteBody {
  readonly id: string;
  readonly version: number;
  readonly eventIds: string[];
  readonly position: string;
}

const RETRIES_ON_CONCURRENT_CHANGE = 3;

/**
 * The aggregate as recorded so far, corrections and retractions applied. A
 * commitment whose record was retracted no longer exists; what followed it
 * in its stream went with it.
 */
export function foldCommitment(events: readonly RecordedEvent[]): CommitmentState {
  const resolved = applyRevisions(events);
  if (resolved.length === 0 || resolved[0].type !== 'CommitmentRecorded') return commitmentDecider.initialState();
  return resolved.reduce(
    (state, event) => commitmentDecider.evolve(state, event as unknown as CommitmentEvent),
    commitmentDecider.initialState(),
  );
}

/**
 * Load the stream, decide, append against the version that was read.
 * Without If-Match a concurrent change is retried on the new state; with it,
 * the client asked for that exact version, so a change is a 412.
 */
@Injectable()
export class CommitmentWriter {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(command: CommitmentCommand, fact: FactInput, context: WriteContext, successStatus: number): Promise<WriteAnswer> {
    const replay = await this.replay(context);
    if (replay) return replay;

    const effectiveAt = parseEffectiveTime(fact.effectiveAt);
    const streamId = commitmentStreamId(command.data.commitmentId);
    for (let attempt = 0; ; attempt++) {
      const history = await this.store.readStream(streamId);
      const version = history.length;
      if (context.expectedVersion !== undefined && context.expectedVersion !== version) {
        throw preconditionFailed(streamId, context.expectedVersion, version);
      }
      const decided = commitmentDecider.decide(command, foldCommitment(history)) as readonly CommitmentEvent[];
      const events: NewEvent[] = decided.map((event) => ({
        id: uuidv7(),
        type: event.type,
        schemaVersion: COMMITMENT_SCHEMA_VERSION,
        data: event.data,
        effectiveAt,
        source: fact.source,
        confidence: fact.confidence ?? 'reported',
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: null,
      }));
      try {
        const result = await this.store.append({
          streamId,
          streamType: COMMITMENT_STREAM_TYPE,
          expectedVersion: version === 0 ? 'no_stream' : version,
          events,
          idempotency: context.idempotency && {
            ...context.idempotency,
            respond: (appended) => ({ status: successStatus, body: answerBody(command.data.commitmentId, appended) }),
          },
        });
        return { status: successStatus, body: answerBody(command.data.commitmentId, result), replayed: false };
      } catch (error) {
        if (error instanceof IdempotencyKeyTaken) {
          const stored = await this.replay(context);
          if (stored) return stored;
        }
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (context.expectedVersion !== undefined) throw preconditionFailed(streamId, context.expectedVersion, error.actual);
        if (attempt >= RETRIES_ON_CONCURRENT_CHANGE) throw error;
      }
    }
  }

  private replay(context: WriteContext): Promise<WriteAnswer | undefined> {
    return replayStoredAnswer<WriteBody>(this.store, context);
  }
}

function answerBody(commitmentId: string, result: AppendResult): WriteBody {
  return {
    id: commitmentId,
    version: result.version,
    eventIds: result.events.map((event) => event.id),
    position: result.position,
  };
}

function preconditionFailed(streamId: string, expected: number, actual: number): ProblemException {
  return new ProblemException(
    HttpStatus.PRECONDITION_FAILED,
    'version_mismatch',
    'Precondition failed',
    `If-Match asked for version ${expected} but the commitment is at version ${actual}`,
    [{ field: 'If-Match', message: `is "${expected}", the current version is "${actual}"` }],
    { currentVersion: actual, streamId },
  );
}
