/**
 * GET /v1/state, bounded: per section (parties, tracks, commitments, deployments) how many hold
 * at the time axes, the first page of them in id order, and the cursor of the next page. The
 * rest of a section comes from `?section=…&cursor=…`, whose `next` pins asOf, knownAt and
 * reportedBy, so that every page answers the same question however long the paging takes.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { deploymentAggregate, partyAggregate, trackAggregate } from '@timeline/domain';
import type { ReadModel } from '@timeline/projections';
import { commitmentAnswer } from '../commitments/commitment-answer';
import { invalidRequest } from '../http/problem';
import { DeploymentAnswerDto, PartyAnswerDto, TrackAnswerDto } from './entity-answers.dto';
import { CommitmentAnswerDto } from './answers.dto';
import { decodeIdCursor, encodeIdCursor } from './id-cursor';
import { ResolvedTime, TimeParams } from './time-params';

export const STATE_SECTIONS = ['parties', 'tracks', 'commitments', 'deployments'] as const;
export type StateSectionName = (typeof STATE_SECTIONS)[number];

export const STATE_PAGE_DEFAULT = 50;
/** The largest page of the list endpoints (/v1/commitments, /v1/timeline). */
export const STATE_PAGE_MAX = 1000;

export class StateParams extends TimeParams {
  @ApiPropertyOptional({
    enum: STATE_SECTIONS,
    description: 'One section only, from `cursor` on (with `cursor`, required); without, the first page of every section',
  })
  @IsOptional()
  @IsIn(STATE_SECTIONS, { message: `section must be among ${STATE_SECTIONS.join(', ')}` })
  section?: StateSectionName;

  @ApiPropertyOptional({ description: "From a section's `nextCursor` (or take its `next` as it is)" })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{2,400}$/, { message: 'cursor must be a nextCursor from an earlier page' })
  cursor?: string;

  @ApiPropertyOptional({ default: STATE_PAGE_DEFAULT, minimum: 1, maximum: STATE_PAGE_MAX, description: 'Items per section, in id order' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(STATE_PAGE_MAX, { message: `limit must be at most ${STATE_PAGE_MAX}` })
  limit?: number;
}

export interface StateSection<T = unknown> {
  total: number;
  items: T[];
  nextCursor: string | null;
  next: string | null;
}

/** A section's paging; each section's own class adds its `items`. */
class StateSectionDto {
  @ApiProperty({ example: 312, description: 'How many hold at the time axes, on every page together' }) total!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The cursor of the next page; null on the last' }) nextCursor!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '/v1/state?section=tracks&cursor=…',
    description: 'The next page, as a path to GET',
  })
  next!: string | null;
}

class PartySectionDto extends StateSectionDto {
  @ApiProperty({ type: [PartyAnswerDto], description: 'This page, in id order' }) items!: PartyAnswerDto[];
}

class TrackSectionDto extends StateSectionDto {
  @ApiProperty({ type: [TrackAnswerDto], description: 'This page, in id order' }) items!: TrackAnswerDto[];
}

class CommitmentSectionDto extends StateSectionDto {
  @ApiProperty({ type: [CommitmentAnswerDto], description: 'This page, in id order' }) items!: CommitmentAnswerDto[];
}

class DeploymentSectionDto extends StateSectionDto {
  @ApiProperty({ type: [DeploymentAnswerDto], description: 'This page, in id order' }) items!: DeploymentAnswerDto[];
}

export class StateDto {
  @ApiProperty() asOf!: string;
  @ApiProperty() knownAt!: string;
  @ApiPropertyOptional() reportedBy?: string;
  @ApiPropertyOptional({ enum: STATE_SECTIONS, description: 'When one section was asked for' }) section?: string;
  @ApiPropertyOptional({
    description: 'Parties registered or named by a commitment, by code; an unregistered one is { partyId, registered: false }',
  })
  parties?: PartySectionDto;
  @ApiPropertyOptional() tracks?: TrackSectionDto;
  @ApiPropertyOptional() commitments?: CommitmentSectionDto;
  @ApiPropertyOptional({ description: 'Active deployments' }) deployments?: DeploymentSectionDto;
  @ApiPropertyOptional({ description: 'Whether an item on these pages counts a fact that may not have happened yet at asOf' })
  uncertain?: boolean;
}

type Page = { after?: string; limit: number };
type Entity = Record<string, unknown>;

/** One section at the time axes: its total and one page after `page.after`. */
export async function stateSection(readModel: ReadModel, section: StateSectionName, time: ResolvedTime, page: Page): Promise<StateSection> {
  const { asOf, knownAt, reportedBy } = time;
  // One more than the page, to know whether another follows.
  const ask = { after: page.after, limit: page.limit + 1 };
  let total: number;
  let items: Entity[];
  let idOf: (item: Entity) => string;
  if (section === 'commitments') {
    const [count, rows] = await Promise.all([
      readModel.commitmentCount(asOf, knownAt, reportedBy),
      readModel.commitments(asOf, knownAt, {}, ask, reportedBy),
    ]);
    [total, items, idOf] = [count, rows.map((row) => ({ ...commitmentAnswer(row) })), (item) => String(item.id)];
  } else if (section === 'parties') {
    [total, items] = await partiesPage(readModel, time, ask);
    idOf = (item) => String(item.partyId);
  } else {
    const { streamType, idField } = section === 'tracks' ? trackAggregate : deploymentAggregate;
    const filter = { activeOnly: section === 'deployments', reportedBy };
    [total, items] = await Promise.all([
      readModel.entityCount(streamType, asOf, knownAt, filter),
      readModel.entities(streamType, asOf, knownAt, filter, ask),
    ]);
    idOf = (item) => String(item[idField]);
  }
  const shown = items.slice(0, page.limit);
  const nextCursor = items.length > page.limit ? encodeIdCursor(idOf(shown[shown.length - 1])) : null;
  return { total, items: shown, nextCursor, next: nextCursor && nextPath(section, time, nextCursor, page.limit) };
}

/**
 * Parties by code: those registered and those a commitment names without their being
 * registered ({ partyId, registered: false }). Parties are few, so their codes are gathered
 * whole (a skip scan of the commitments' party indexes) and paged here.
 */
async function partiesPage(readModel: ReadModel, { asOf, knownAt, reportedBy }: ResolvedTime, page: Page): Promise<[number, Entity[]]> {
  const [registered, named] = await Promise.all([
    readModel.entities(partyAggregate.streamType, asOf, knownAt, { reportedBy }),
    readModel.commitmentParties(asOf, knownAt, reportedBy),
  ]);
  const byCode = new Map(registered.map((party) => [String(party.partyId), party as Entity]));
  const codes = [...new Set([...byCode.keys(), ...named])].sort();
  const after = page.after;
  const items = codes
    .filter((code) => after === undefined || code > after)
    .slice(0, page.limit)
    .map((code) => byCode.get(code) ?? { partyId: code, registered: false });
  return [codes.length, items];
}

/** The first page of every section, or one section from a cursor on. */
export async function statePage(readModel: ReadModel, params: StateParams, time: ResolvedTime) {
  if (params.cursor !== undefined && params.section === undefined) {
    throw invalidRequest([{ field: 'section', message: 'is required with a cursor: name the section the cursor continues' }]);
  }
  const limit = params.limit ?? STATE_PAGE_DEFAULT;
  const after = params.cursor === undefined ? undefined : decodeIdCursor(params.cursor);
  const axes = { asOf: time.asOf, knownAt: time.knownAt, ...(time.reportedBy && { reportedBy: time.reportedBy }) };
  if (params.section) {
    return { ...axes, section: params.section, [params.section]: await stateSection(readModel, params.section, time, { after, limit }) };
  }
  const [parties, tracks, commitments, deployments] = await Promise.all(
    STATE_SECTIONS.map((section) => stateSection(readModel, section, time, { limit })),
  );
  const uncertain = [tracks, commitments, deployments].some((section) =>
    section.items.some((item) => ((item as { uncertain?: unknown[] }).uncertain?.length ?? 0) > 0),
  );
  return { ...axes, parties, tracks, commitments, deployments, uncertain };
}

function nextPath(section: StateSectionName, time: ResolvedTime, cursor: string, limit: number): string {
  const query = new URLSearchParams({ asOf: time.asOf, knownAt: time.knownAt });
  if (time.reportedBy) query.set('reportedBy', time.reportedBy);
  query.set('section', section);
  query.set('cursor', cursor);
  query.set('limit', String(limit));
  return `/v1/state?${query.toString()}`;
}
