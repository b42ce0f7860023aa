import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { aggregateOfEvent, ClaimCommand, DomainRuleViolation, parseEffectiveTime } from '@timeline/domain';
import { createsEntity, InvalidSeed, readSeedSet, SeedEntry, SeedSet } from '@timeline/seeds';
import { ExecuteAggregateCommand } from '../aggregates/execute-aggregate';
import type { WriteAnswer } from '../aggregates/aggregate-writer';
import { ProblemException } from '../http/problem';
import type { WriteContext } from '../http/write-context';
import { ReviseEventCommand } from '../revisions/revise-event';
import { ClaimEventCommand } from '../claims/record-claim';

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
      eventIds.set(entry.key, answer.body.eventIds[0]);
      if (answer.replayed) unchanged++;
      else applied++;
      onProgress?.(index + 1, set.entries.length);
    }
    return { dataset: set.name, entries: set.entries.length, applied, unchanged };
  }

  private apply(entry: SeedEntry, eventIds: Map<string, string>): Promise<WriteAnswer> {
    const { file: _file, line: _line, ...content } = entry;
    const context: WriteContext = {
      actor: `seed:${entry.dataset}`,
      correlationId: '00000000-0000-7000-8000-000000000000',
      idempotency: {
        key: JSON.stringify(['seed', entry.key]),
        fingerprint: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
      },
    };
    const fact = { effectiveAt: entry.effectiveAt, source: entry.source, confidence: entry.confidence };
    if (entry.type === 'EventCorrected' || entry.type === 'EventRetracted') {
      const eventId = eventIds.get(entry.target!)!;
      const changes = (entry.data.changes ?? {}) as { effectiveAt?: string; data?: Record<string, unknown> };
      return this.commandBus.execute(
        new ReviseEventCommand(
          {
            kind: entry.type === 'EventCorrected' ? 'correction' : 'retraction',
            eventId,
            effectiveAt: changes.effectiveAt ? parseEffectiveTime(changes.effectiveAt) : undefined,
            data: changes.data,
            reason: String(entry.data.reason),
            source: entry.source,
            confidence: entry.confidence,
          },
          context,
        ),
      );
    }
    if (entry.type === 'SourceCorroborated' || entry.type === 'ClaimRecorded') {
      const eventId = eventIds.get(entry.target!)!;
      const command: ClaimCommand =
        entry.type === 'SourceCorroborated'
          ? { type: 'CorroborateSource', data: { eventId, source: entry.source } }
          : { type: 'RecordClaim', data: { eventId, field: String(entry.data.field), value: entry.data.value, source: entry.source } };
      return this.commandBus.execute(new ClaimEventCommand(command, entry.source, entry.confidence, context));
    }
    return this.commandBus.execute(
      new ExecuteAggregateCommand(entry.streamType, commandFor(entry), fact, context, createsEntity(entry.type) ? 201 : 200),
    );
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
  if (error instanceof ProblemException) {
    const field = error.errors?.[0]?.field;
    const reason = error.code === 'idempotency_key_reused' ? 'this entry was loaded before with other content; add a correction entry instead of editing it' : error.detail;
    return new InvalidSeed([{ file: entry.file, line: entry.line, field: `${entry.key}${field && error.code !== 'idempotency_key_reused' ? `.${field}` : ''}`, message: reason }]);
  }
  return error instanceof Error ? error : new Error(String(error));
}
