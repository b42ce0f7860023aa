/**
 * The shapes of the read answers, for the OpenAPI document: a commitment as of
 * a date (with its derived lapse and the source of each fact) and a timeline
 * row (citing the source it now reads with and the one it was recorded with).
 */
import { ApiProperty, type ApiPropertyOptions, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMITMENT_STATUSES, CONFIDENCES, PRECISIONS } from '@timeline/domain';
import { SourceDto } from '../commitments/commitment.dto';

/** Any JSON value: what a field held, before or after a change. */
export const JSON_VALUE: ApiPropertyOptions = {
  nullable: true,
  oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: {} }, { type: 'object' }],
};

export class EffectiveTimeDto {
  @ApiProperty({ example: '2021-09-01T00:00:00.000Z', description: 'First instant of the period, UTC' }) at!: string;
  @ApiProperty({ enum: PRECISIONS }) precision!: (typeof PRECISIONS)[number];
  @ApiPropertyOptional({ description: 'Only for precision `range`: the first instant after the period, exclusive' }) until?: string;
}

/** One source's value of a fact sources disagree on (docs/claims-and-axes.md). */
export class ClaimAnswerDto {
  @ApiProperty({ format: 'uuid', description: "The ClaimRecorded event, or the fact's own event for the value it was recorded with" })
  claimId!: string;
  @ApiProperty({ example: '630000000', description: 'The value as the event gives it: an amount `630000000`, a date `2021-09-08`' })
  value!: string;
  @ApiProperty({ type: SourceDto }) source!: SourceDto;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty({ description: "True: the source's passage is a verbatim `quote`; false: a `paraphrase` or none" }) quoted!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'As the source gives it; null when unknown' }) publishedAt!: string | null;
  @ApiProperty() publishedAtEstimated!: boolean;
  @ApiProperty() recordedAt!: string;
  @ApiProperty() current!: boolean;
}

export class ClaimSetDto {
  @ApiProperty({ example: 'terms.amount' }) field!: string;
  @ApiProperty({ description: '`claimId` of the current claim' }) current!: string;
  @ApiProperty({ enum: ['chosen', 'latest_published'], description: '`chosen`: an analyst chose it; `latest_published`: the default' })
  why!: 'chosen' | 'latest_published';
  @ApiProperty({ description: "The analyst's reason when chosen, else what the default rests on" }) reason!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The ClaimChosen event, when chosen' }) choiceId!: string | null;
  @ApiProperty({ type: [ClaimAnswerDto], description: 'In order of publication, earliest first' }) claims!: ClaimAnswerDto[];
}

export class AttributionDto {
  @ApiProperty({
    format: 'uuid',
    description: "The event whose source established the value: the fact's own event, or the correction that changed it",
  })
  eventId!: string;
  @ApiProperty({ example: 'EventCorrected', description: 'Its type: `EventCorrected` for a correction' })
  type!: string;
  @ApiProperty({ type: SourceDto }) source!: SourceDto;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty({ example: '2026-01-01T00:00:00.000Z' }) recordedAt!: string;
  @ApiPropertyOptional({ type: () => [AttributionDto], description: 'Other sources that confirm the event; only when there are some' })
  corroboratedBy?: AttributionDto[];
  @ApiPropertyOptional({
    type: () => ClaimSetDto,
    description: 'Only on a fact sources disagree on: every claim, which is current and why',
  })
  claims?: ClaimSetDto;
}

/** The terms of a commitment as an answer gives them: each field as recorded, or null once removed. */
export class TermsAnswerDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '630000000', description: 'Decimal string' }) amount?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'USD' }) currency?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'USD per 1000 m3' }) unit?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2021' }) validFrom?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '2022-12' }) validUntil?: string | null;
  @ApiPropertyOptional({ nullable: true, type: [String] }) conditions?: string[] | null;
  @ApiPropertyOptional({ nullable: true, type: [String] }) restrictions?: string[] | null;
  @ApiPropertyOptional({ type: String, nullable: true }) description?: string | null;
}

const SOURCES_DESCRIPTION =
  'For each fact, by its path (`effectiveAt`, `kind`, `title`, `by`, `to`, `status`, `terms.amount`, `terms.validUntil`, `disbursed`, …), ' +
  'the source of its current value: the last event that changed it, or the last correction of that event that changed it. ' +
  'A derived lapse cites the source of `terms.validUntil`.';

export class CommitmentAnswerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ example: 'loan' }) kind!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'RU' }) by!: string;
  @ApiProperty({ example: 'BY' }) to!: string;
  @ApiProperty({
    enum: COMMITMENT_STATUSES,
    description:
      'As the events set it, except that an open status (`requested`, `pledged`) is `lapsed` from the first instant after the period `terms.validUntil` names',
  })
  status!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2023-01-01T00:00:00.000Z',
    description: 'For a derived lapse: the first instant after `terms.validUntil`; null otherwise',
  })
  lapsedAt!: string | null;
  @ApiProperty({ type: TermsAnswerDto }) terms!: TermsAnswerDto;
  @ApiProperty({ type: String, nullable: true, example: 'USD' }) currency!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'USD per 1000 m3' }) unit!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '630000000', description: '`terms.amount`' }) pledged!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '0',
    description: 'Sum of the disbursements; absent for a price (a rate is not a sum)',
  })
  disbursed?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '630000000',
    description: 'pledged − disbursed; null without an amount and once lapsed; absent for a price',
  })
  outstanding?: string | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Facts counted whose period has not closed at asOf' })
  uncertain!: unknown[];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/AttributionDto' }, description: SOURCES_DESCRIPTION })
  sources!: Record<string, AttributionDto>;
}

export class CommitmentPageDto {
  @ApiProperty() asOf!: string;
  @ApiProperty() knownAt!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ type: [CommitmentAnswerDto] }) items!: CommitmentAnswerDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TimelineEntryDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: '1042' }) position!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() streamType!: string;
  @ApiProperty() streamVersion!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ type: EffectiveTimeDto, description: 'As corrected' }) effectiveAt!: EffectiveTimeDto;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ description: 'When this version of the row became known (a correction makes a new one)' }) knownSince!: string;
  @ApiProperty({ description: 'Who recorded it (the key owner)' }) actor!: string;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty({ type: SourceDto, description: "The source the row now reads with: the last correction's when the event was corrected" })
  source!: SourceDto;
  @ApiProperty({ type: SourceDto, description: 'The source the event was recorded with' })
  originalSource!: SourceDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/AttributionDto' },
    description:
      'For each path a correction changed (`effectiveAt`, `data.terms.amount`), the correction that set it; `{}` when uncorrected',
  })
  sources!: Record<string, AttributionDto>;
  @ApiPropertyOptional({ type: [AttributionDto], description: 'Other sources that confirm the event; only when there are some' })
  corroboratedBy?: AttributionDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ClaimSetDto' },
    description: 'Facts sources disagree on, by path (`effectiveAt`, `data.terms.amount`); only when there are some',
  })
  claims?: Record<string, ClaimSetDto>;
  @ApiProperty({ type: [String] }) parties!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event data, as corrected' }) data!: Record<string, unknown>;
}

export class TimelinePageDto {
  @ApiProperty() knownAt!: string;
  @ApiProperty({ type: [TimelineEntryDto] }) items!: TimelineEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TimelineDensityBucketDto {
  @ApiProperty({ description: 'Start of the slice (inclusive)' }) start!: string;
  @ApiProperty({ description: 'End of the slice (exclusive)' }) end!: string;
  @ApiProperty({ example: 'commitment' }) streamType!: string;
  @ApiProperty({ example: 'CommitmentDisbursed' }) type!: string;
  @ApiProperty({ description: 'Events of this stream type and event type whose effective time falls in the slice' }) count!: number;
}

export class TimelineDensityDto {
  @ApiProperty() knownAt!: string;
  @ApiPropertyOptional({ description: 'Given: only events a source had published by then were counted' }) reportedBy?: string;
  @ApiProperty() from!: string;
  @ApiProperty({ description: 'Exclusive' }) to!: string;
  @ApiProperty({ description: 'Width of a slice in milliseconds' }) bucketMs!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ type: [TimelineDensityBucketDto], description: 'Non-empty slices only, in time order' })
  items!: TimelineDensityBucketDto[];
}

export class DiffChangeDto {
  @ApiProperty({ example: 'terms.amount' }) path!: string;
  @ApiProperty(JSON_VALUE) from!: unknown;
  @ApiProperty(JSON_VALUE) to!: unknown;
  @ApiProperty({
    type: () => AttributionDto,
    nullable: true,
    description: 'The source of the value after the change (of the value before, when the field is gone); null when none is kept',
  })
  source!: AttributionDto | null;
}

export class ChangedCommitmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() by!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ type: String, nullable: true }) currency!: string | null;
  @ApiProperty({ type: String, nullable: true }) unit!: string | null;
  @ApiProperty({ type: [DiffChangeDto] }) changes!: DiffChangeDto[];
}

/** GET /v1/state/diff */
export class StateDiffDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ description: '`toKnownAt`' }) knownAt!: string;
  @ApiProperty() fromKnownAt!: string;
  @ApiProperty() toKnownAt!: string;
  @ApiPropertyOptional() reportedBy?: string;
  @ApiProperty({ type: [CommitmentAnswerDto] }) added!: CommitmentAnswerDto[];
  @ApiProperty({ type: [CommitmentAnswerDto] }) removed!: CommitmentAnswerDto[];
  @ApiProperty({ type: [ChangedCommitmentDto] }) changed!: ChangedCommitmentDto[];
}
