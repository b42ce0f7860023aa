import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  AggregateCommand,
  aggregateOfEvent,
  CommitmentCommand,
  DeploymentCommand,
  DomainRuleViolation,
  OccurrenceCommand,
  parseEffectiveTime,
  PartyCommand,
  TrackCommand,
} from '@timeline/domain';
import { InvalidSeed, readSeedSet, SeedEntry, SeedSet } from '@timeline/seeds';
import { FactInput, IdempotencyKeyReused, WriteMeta, WriteOutcome } from '@timeline/write';
import { CorroborateSourceCommand, RecordClaimCommand } from '../claims/record-claim';
import { AmendCommitmentCommand } from '../commitments/amend/amend-commitment';
import { ChangeCommitmentStatusCommand } from '../commitments/change-status/change-commitment-status';
import { RecordDisbursementCommand } from '../commitments/disburse/record-disbursement';
import { RecordCommitmentCommand } from '../commitments/record/record-commitment';
import { EndDeploymentCommand } from '../deployments/end/end-deployment';
import { StartDeploymentCommand } from '../deployments/start/start-deployment';
import { RecordOccurrenceCommand } from '../occurrences/record/record-occurrence';
import { RegisterPartyCommand } from '../parties/register/register-party';
import { CorrectEventCommand, RetractEventCommand } from '../revisions/revise-event';
import { ChangeTrackStatusCommand } from '../tracks/change-status/change-track-status';
import { OpenTrackCommand } from '../tracks/open/open-track';
import { SetTrackDeadlineCommand } from '../tracks/set-deadline/set-track-deadline';
import type { AggregateWriteCommand } from '../write/write-command';

type AnyAggregateCommand = CommitmentCommand | PartyCommand | TrackCommand | DeploymentCommand | OccurrenceCommand;

/**
 * The bus command of each aggregate command: what a controller sends for the
 * same use case. Keyed by every command type, so a command without its slice
 * does not compile.
 */
const BUS_COMMANDS: Record<AnyAggregateCommand['type'], new (command: never, fact: FactInput, meta: WriteMeta) => AggregateWriteCommand> = {
  RecordCommitment: RecordCommitmentCommand,
  AmendCommitmentTerms: AmendCommitmentCommand,
  RecordDisbursement: RecordDisbursementCommand,
  ChangeCommitmentStatus: ChangeCommitmentStatusCommand,
  RegisterParty: RegisterPartyCommand,
  OpenTrack: OpenTrackCommand,
  ChangeTrackStatus: ChangeTrackStatusCommand,
  SetTrackDeadline: SetTrackDeadlineCommand,
  StartDeployment: StartDeploymentCommand,
  EndDeployment: EndDeploymentCommand,
  RecordOccurrence: RecordOccurrenceCommand,
};

/** The bus command that a user's request for this aggregate command would send. */
export function busCommandFor(command: AggregateCommand, fact: FactInput, meta: WriteMeta): AggregateWriteCommand {
  const BusCommand = (BUS_COMMANDS as Record<string, (typeof BUS_COMMANDS)[keyof typeof BUS_COMMANDS] | undefined>)[command.type];
  if (!BusCommand) throw new Error(`no use case handles the command ${command.type}`);
  return new BusCommand(command as never, fact, meta);
}

export interface SeedReport {
  readonly dataset: string;
  readonly entries: number;
  readonly applied: number;
  /** Entries already loaded before (by their key): loading twice adds nothing. */
  readonly unchanged: number;
}

/** `seeds/` at the project root, found from here both in the sources and in `dist/`. */
export function seedsRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'seeds'))) return join(dir, 'seeds');
  }
  throw new Error(`cannot find the seeds/ folder above ${__dirname}`);
}

/**
 * Loads a data set through the command bus, entry by entry, as a user's
 * commands would go: the same validation, rules and events. Each entry's key
 * is its Idempotency-Key, so a second load adds nothing, and an entry edited
 * after it was loaded is refused (fix it with a correction entry instead).
 */
@Injectable()
export class SeedLoader {
  constructor(private readonly commandBus: CommandBus) {}

  read(name: string, root = seedsRoot()): SeedSet {
    return readSeedSet(root, name);
  }

  async load(set: SeedSet, onProgress?: (done: number, total: number) => void): Promise<SeedReport> {
    const eventIds = new Map<string, string>();
    let applied = 0;
    let unchanged = 0;
    for (const [index, entry] of set.entries.entries()) {
      const answer = await this.apply(entry, eventIds).catch((error: unknown) => {
        throw entryFailed(entry, error);
      });
      eventIds.set(entry.key, answer.eventIds[0]);
      if (answer.replayed) unchanged++;
      else applied++;
      onProgress?.(index + 1, set.entries.length);
    }
    return { dataset: set.name, entries: set.entries.length, applied, unchanged };
  }

  private apply(entry: SeedEntry, eventIds: Map<string, string>): Promise<WriteOutcome> {
    const { file: _file, line: _line, ...content } = entry;
    const meta: WriteMeta = {
      actor: `seed:${entry.dataset}`,
      correlationId: '00000000-0000-7000-8000-000000000000',
      idempotency: {
        key: JSON.stringify(['seed', entry.key]),
        fingerprint: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
      },
    };
    const fact = { effectiveAt: entry.effectiveAt, source: entry.source, confidence: entry.confidence };
    const sourced = { source: entry.source, confidence: entry.confidence };
    const eventId = entry.target === undefined ? undefined : eventIds.get(entry.target)!;
    const execute = (command: object) => this.commandBus.execute<object, WriteOutcome>(command);
    switch (entry.type) {
      case 'EventCorrected': {
        const changes = (entry.data.changes ?? {}) as { effectiveAt?: string; data?: Record<string, unknown> };
        const effectiveAt = changes.effectiveAt ? parseEffectiveTime(changes.effectiveAt) : undefined;
        const data = { eventId: eventId!, effectiveAt, changes: changes.data, reason: String(entry.data.reason) };
        return execute(new CorrectEventCommand({ type: 'CorrectEvent', data }, sourced, meta));
      }
      case 'EventRetracted':
        return execute(new RetractEventCommand({ type: 'RetractEvent', data: { eventId: eventId!, reason: String(entry.data.reason) } }, sourced, meta));
      case 'SourceCorroborated':
        return execute(new CorroborateSourceCommand({ type: 'CorroborateSource', data: { eventId: eventId!, source: entry.source } }, sourced, meta));
      case 'ClaimRecorded': {
        const data = { eventId: eventId!, field: String(entry.data.field), value: entry.data.value, source: entry.source };
        return execute(new RecordClaimCommand({ type: 'RecordClaim', data }, sourced, meta));
      }
      default:
        return execute(busCommandFor(commandFor(entry), fact, meta));
    }
  }
}

/** The command a user would send to make this entry's event. */
export function commandFor(entry: SeedEntry): { type: string; data: Record<string, unknown> } {
  const aggregate = aggregateOfEvent(entry.type);
  if (!aggregate) throw new Error(`no command makes ${entry.type}`);
  return aggregate.commandFor(entry);
}

function entryFailed(entry: SeedEntry, error: unknown): Error {
  if (error instanceof DomainRuleViolation) {
    return new InvalidSeed([{ file: entry.file, line: entry.line, field: `${entry.key}.data${error.field ? `.${error.field}` : ''}`, message: `${error.code}: ${error.message}` }]);
  }
  if (error instanceof IdempotencyKeyReused) {
    return new InvalidSeed([
      { file: entry.file, line: entry.line, field: entry.key, message: 'this entry was loaded before with other content; add a correction entry instead of editing it' },
    ]);
  }
  return error instanceof Error ? error : new Error(String(error));
}
