import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { AttributionDto, StateDiffDto, TimelineDensityDto, TimelinePageDto } from './answers.dto';
import { Transform } from 'class-transformer';
import { commaList, PartyList } from '../http/query';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { EVENT_TYPES } from '@timeline/event-schemas';
import type { Attribution } from '@timeline/domain';
import { CommitmentAsOfView, ReadModel, TimelineEntry, TimelineQuery } from '@timeline/projections';
import type { Request } from 'express';
import { Column, exportFormat, exportRows, pages, sourceColumns } from '../http/export';
import { claimsCell, commitmentAnswer, corroborationsCell, sourceIds } from '../commitments/commitment-answer';
import { invalidRequest } from '../http/problem';
import { CLOCK } from '../runtime/tokens';
import { StateDto, StateParams, statePage } from './state-sections';
import { ConsistencyParams, endOfPeriod, ProjectionWait, resolveTime, startOfPeriod } from './time-params';

export class DiffParams extends ConsistencyParams {
  @ApiPropertyOptional({ example: '2021-01-01', description: 'Earlier date (valid time); required' })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ example: '2021-12-31', description: 'Later date (valid time); required' })
  @IsOptional()
  @IsString()
  to?: string;

  @ApiPropertyOptional({
    example: '2021-10-01T00:00:00Z',
    description: 'Transaction time of the earlier side (default: knownAt): compare what was known then with what is known at toKnownAt',
  })
  @IsOptional()
  @IsString()
  fromKnownAt?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Transaction time of the later side (default: knownAt)' })
  @IsOptional()
  @IsString()
  toKnownAt?: string;
}

/** What selects timeline events: shared by a page of them and their density. */
export class TimelineFilterParams extends ConsistencyParams {
  @ApiPropertyOptional({ example: '2021-01', description: 'Events whose effective period ends after the start of this date' })
  @IsOptional()
  from?: string;

  @ApiPropertyOptional({ example: '2021-12', description: 'Events whose effective period starts before the end of this date' })
  @IsOptional()
  to?: string;

  @PartyList()
  party?: string[];

  @ApiPropertyOptional({ example: 'CommitmentRecorded,CommitmentDisbursed' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(EVENT_TYPES, { each: true, message: `type must be among ${EVENT_TYPES.join(', ')}` })
  type?: string[];

  @ApiPropertyOptional({ example: 'loan refinancing', description: 'Full-text search over titles, sources, quotes, paraphrases and data' })
  @IsOptional()
  @MaxLength(200)
  q?: string;
}

export class TimelineParams extends TimelineFilterParams {
  @ApiPropertyOptional({ description: 'From `nextCursor` of the previous page' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{4,200}$/, { message: 'cursor must be a nextCursor from an earlier page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class TimelineDensityParams extends TimelineFilterParams {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000, description: 'How many equal slices of [from, to) to count in' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'buckets must be a whole number' })
  @Min(1, { message: 'buckets must be at least 1' })
  @Max(1000, { message: 'buckets must be at most 1000' })
  buckets?: number;
}

@ApiTags('time travel')
@ApiExtraModels(AttributionDto)
@Controller('v1')
export class TimeTravelController {
  constructor(
    private readonly readModel: ReadModel,
    private readonly wait: ProjectionWait,
    @Inject(CLOCK) private readonly clock: () => Date,
  ) {}

  /**
   * The relationship at a date, bounded: per section (parties, tracks, commitments, active
   * deployments) its total, its first page in id order and the cursor of the rest; with
   * `section` and `cursor`, the next page of one section.
   */
  @Get('state')
  @ApiOkResponse({ type: StateDto })
  async state(@Query() params: StateParams) {
    const time = resolveTime(params, this.clock());
    await this.wait.until(this.readModel, params.minPosition);
    return statePage(this.readModel, params, time);
  }

  /**
   * What changed between two dates (valid time) and/or two transaction times: added, removed,
   * and changed field by field (`terms.amount`), each change with the source of its new value.
   * `Accept: text/csv` gets one row per change.
   */
  @Get('state/diff')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({ type: StateDiffDto })
  async diff(@Query() params: DiffParams, @Req() request: Request) {
    const missing = (['from', 'to'] as const).filter((name) => !params[name]);
    if (missing.length) throw invalidRequest(missing.map((field) => ({ field, message: 'is required' })));
    const now = this.clock();
    const from = endOfPeriod(params.from!, 'from');
    const to = endOfPeriod(params.to!, 'to');
    const { knownAt, reportedBy } = resolveTime({ knownAt: params.knownAt, reportedBy: params.reportedBy }, now);
    const fromKnownAt = params.fromKnownAt === undefined ? knownAt : endOfPeriod(params.fromKnownAt, 'fromKnownAt');
    const toKnownAt = params.toKnownAt === undefined ? knownAt : endOfPeriod(params.toKnownAt, 'toKnownAt');
    if (from > to) throw invalidRequest([{ field: 'to', message: 'must not be before from' }]);
    if (fromKnownAt > toKnownAt) throw invalidRequest([{ field: 'toKnownAt', message: 'must not be before fromKnownAt' }]);
    await this.wait.until(this.readModel, params.minPosition);
    const [before, after] = await Promise.all([
      this.readModel.commitments(from, fromKnownAt, {}, undefined, reportedBy),
      this.readModel.commitments(to, toKnownAt, {}, undefined, reportedBy),
    ]);
    const diff = diffCommitments(before, after);
    const format = exportFormat(request);
    if (format) return exportRows(format, diffRows(diff), DIFF_COLUMNS, `diff-${from.slice(0, 10)}-${to.slice(0, 10)}`);
    return { from, to, knownAt: toKnownAt, fromKnownAt, toKnownAt, ...(reportedBy && { reportedBy }), ...diff };
  }

  /**
   * How many events fall in each slice of [from, to): what a page draws as clusters of a
   * long history, in one small answer, before it reads the events themselves. Only
   * non-empty slices are listed, per stream type and event type.
   */
  @Get('timeline/density')
  @ApiOkResponse({ type: TimelineDensityDto })
  async timelineDensity(@Query() params: TimelineDensityParams) {
    const missing = (['from', 'to'] as const).filter((name) => !params[name]);
    if (missing.length) throw invalidRequest(missing.map((field) => ({ field, message: 'is required' })));
    const { knownAt, reportedBy } = resolveTime({ knownAt: params.knownAt, reportedBy: params.reportedBy }, this.clock());
    const from = startOfPeriod(params.from!, 'from');
    // `to` names a whole period, as in /v1/timeline: to=2021 counts up to the end of 2021.
    const to = new Date(Date.parse(endOfPeriod(params.to!, 'to')) + 1).toISOString();
    if (Date.parse(to) <= Date.parse(from)) throw invalidRequest([{ field: 'to', message: 'must be after from' }]);
    const buckets = params.buckets ?? 100;
    await this.wait.until(this.readModel, params.minPosition);
    const counted = await this.readModel.timelineDensity({
      knownAt,
      from,
      to,
      buckets,
      parties: params.party,
      types: params.type,
      q: params.q,
      reportedBy,
    });
    const width = (Date.parse(to) - Date.parse(from)) / buckets;
    const edge = (index: number) => new Date(Date.parse(from) + Math.round(index * width)).toISOString();
    return {
      knownAt,
      ...(reportedBy && { reportedBy }),
      from,
      to,
      bucketMs: width,
      total: counted.reduce((sum, row) => sum + row.count, 0),
      items: counted.map((row) => ({
        start: edge(row.bucket),
        end: edge(row.bucket + 1),
        streamType: row.streamType,
        type: row.type,
        count: row.count,
      })),
    };
  }

  /** Events in effective order, paged by cursor. */
  @Get('timeline')
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({ type: TimelinePageDto })
  async timeline(@Query() params: TimelineParams, @Req() request: Request) {
    const now = this.clock();
    const { knownAt, reportedBy } = resolveTime({ knownAt: params.knownAt, reportedBy: params.reportedBy }, now);
    const from = params.from ? startOfPeriod(params.from, 'from') : undefined;
    const to = params.to ? endOfPeriod(params.to, 'to') : undefined;
    const limit = params.limit ?? 100;
    await this.wait.until(this.readModel, params.minPosition);
    const query = {
      knownAt,
      from,
      to,
      parties: params.party,
      types: params.type,
      q: params.q,
      reportedBy,
    } satisfies Partial<TimelineQuery>;
    const format = exportFormat(request);
    if (format) {
      // The whole timeline that matches, streamed page by page: memory stays flat.
      const rows = pages(
        (after: { effectiveAt: string; position: string } | undefined, pageSize) =>
          this.readModel.timeline({ ...query, after, limit: pageSize }),
        (row) => ({ effectiveAt: row.effectiveAt.at, position: row.position }),
      );
      return exportRows(format, rows, TIMELINE_COLUMNS, 'timeline');
    }
    const items = await this.readModel.timeline({
      ...query,
      after: params.cursor ? decodeCursor(params.cursor) : undefined,
      limit: limit + 1,
    });
    const page = items.slice(0, limit);
    const last = page[page.length - 1];
    return {
      knownAt,
      ...(reportedBy && { reportedBy }),
      items: page,
      nextCursor: items.length > limit && last ? encodeCursor(last.effectiveAt.at, last.position) : null,
    };
  }
}

const TIMELINE_COLUMNS: Column<TimelineEntry>[] = [
  { name: 'position', value: (row) => row.position },
  { name: 'eventId', value: (row) => row.eventId },
  { name: 'type', value: (row) => row.type },
  { name: 'streamId', value: (row) => row.streamId },
  { name: 'effectiveAt', value: (row) => row.effectiveAt.at },
  { name: 'precision', value: (row) => row.effectiveAt.precision },
  { name: 'effectiveUntil', value: (row) => row.effectiveAt.until },
  { name: 'recordedAt', value: (row) => row.recordedAt },
  { name: 'knownSince', value: (row) => row.knownSince },
  { name: 'actor', value: (row) => row.actor },
  { name: 'confidence', value: (row) => row.confidence },
  { name: 'parties', value: (row) => row.parties },
  ...sourceColumns<TimelineEntry>((row) => row.source),
  { name: 'originalSourceTitle', value: (row) => (row.originalSource as { title?: string }).title },
  { name: 'originalQuote', value: (row) => (row.originalSource as { quote?: string }).quote },
  { name: 'originalParaphrase', value: (row) => (row.originalSource as { paraphrase?: string }).paraphrase },
  { name: 'correctedSources', value: (row) => sourceIds(row.sources) },
  { name: 'data', value: (row) => row.data },
  {
    name: 'claims',
    value: (row) => claimsCell(Object.fromEntries(Object.entries(row.claims ?? {}).map(([path, claims]) => [path, { claims }]))),
  },
  { name: 'corroboratedBy', value: (row) => corroborationsCell(row.corroboratedBy ? [{ corroboratedBy: row.corroboratedBy }] : []) },
];

export function encodeCursor(effectiveAt: string, position: string): string {
  return Buffer.from(`${effectiveAt}|${position}`).toString('base64url');
}

function decodeCursor(cursor: string): { effectiveAt: string; position: string } {
  const [effectiveAt, position] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!effectiveAt || !position || Number.isNaN(Date.parse(effectiveAt)) || !/^\d+$/.test(position)) {
    throw invalidRequest([{ field: 'cursor', message: 'is not a cursor from an earlier page' }]);
  }
  return { effectiveAt, position };
}

const COMPARED: (keyof CommitmentAsOfView)[] = [
  'status',
  'lapsedAt',
  'title',
  'terms',
  'pledged',
  'disbursed',
  'outstanding',
  'currency',
  'unit',
];

/** The fact whose source a compared field cites: sums follow the amount and the disbursements, a lapse its validity. */
const CITED: Record<string, string[]> = {
  pledged: ['terms.amount'],
  outstanding: ['disbursed', 'terms.amount'],
  currency: ['terms.currency', 'terms.amount'],
  unit: ['terms.unit', 'terms.amount'],
  lapsedAt: ['status', 'terms.validUntil'],
};

export interface DiffChange {
  path: string;
  from: unknown;
  to: unknown;
  /** The source of the value after the change (of the value before, when the field is gone); null when none is kept. */
  source: Attribution | null;
}

export function diffCommitments(before: CommitmentAsOfView[], after: CommitmentAsOfView[]) {
  const old = new Map(before.map((commitment) => [commitment.id, commitment]));
  const now = new Map(after.map((commitment) => [commitment.id, commitment]));
  const added = after.filter((commitment) => !old.has(commitment.id));
  const removed = before.filter((commitment) => !now.has(commitment.id));
  const changed = [];
  for (const commitment of after) {
    const previous = old.get(commitment.id);
    if (!previous) continue;
    const changes: DiffChange[] = [];
    for (const field of COMPARED) {
      for (const change of leafChanges(field, previous[field], commitment[field])) {
        changes.push({ ...change, source: sourceOf(change.path, change.to === null ? previous : commitment) });
      }
    }
    if (changes.length)
      changed.push({
        id: commitment.id,
        title: commitment.title,
        kind: commitment.kind,
        by: commitment.by,
        to: commitment.to,
        currency: commitment.currency,
        unit: commitment.unit,
        changes,
      });
  }
  return { added: added.map(commitmentAnswer), removed: removed.map(commitmentAnswer), changed };
}

/** Two values compared field by field: objects (`terms`) down to their fields, the rest whole. */
function leafChanges(path: string, before: unknown, after: unknown): { path: string; from: unknown; to: unknown }[] {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(before) || isObject(after)) {
    const a = isObject(before) ? before : {};
    const b = isObject(after) ? after : {};
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((key) => leafChanges(`${path}.${key}`, a[key], b[key]));
  }
  const from = before ?? null;
  const to = after ?? null;
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ path, from, to }];
}

function sourceOf(path: string, commitment: CommitmentAsOfView): Attribution | null {
  for (const fact of [path, ...(CITED[path] ?? [])]) {
    const attribution = commitment.sources[fact];
    if (attribution) return attribution;
  }
  return null;
}

type Diff = ReturnType<typeof diffCommitments>;
interface DiffRow {
  change: 'added' | 'removed' | 'changed';
  id: string;
  title: string;
  path?: string;
  from?: unknown;
  to?: unknown;
  source?: Attribution | null;
}

function* diffRows(diff: Diff): Generator<DiffRow> {
  for (const c of diff.added)
    yield { change: 'added', id: c.id, title: c.title, source: c.sources.effectiveAt ?? c.sources.status ?? null };
  for (const c of diff.removed) yield { change: 'removed', id: c.id, title: c.title, source: c.sources.status ?? null };
  for (const c of diff.changed) for (const change of c.changes) yield { change: 'changed', id: c.id, title: c.title, ...change };
}

const DIFF_COLUMNS: Column<DiffRow>[] = [
  { name: 'change', value: (row) => row.change },
  { name: 'id', value: (row) => row.id },
  { name: 'title', value: (row) => row.title },
  { name: 'field', value: (row) => row.path },
  { name: 'from', value: (row) => row.from },
  { name: 'to', value: (row) => row.to },
  { name: 'sourceEventId', value: (row) => row.source?.eventId },
  { name: 'sourceConfidence', value: (row) => row.source?.confidence },
  ...sourceColumns<DiffRow>((row) => row.source?.source),
];
