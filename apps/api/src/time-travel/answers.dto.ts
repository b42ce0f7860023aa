/**
 * The shapes of the read answers, for the OpenAPI document: a commitment as of
 * a date (with its derived lapse and the source of each fact) and a timeline
 * row (citing the source it now reads with and the one it was recorded with).
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { COMMITMENT_STATUSES, CONFIDENCES } from '@timeline/domain';
import { SourceDto } from '../commitments/commitment.dto';

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
    nullable: true,
    example: '2023-01-01T00:00:00.000Z',
    description: 'For a derived lapse: the first instant after `terms.validUntil`; null otherwise',
  })
  lapsedAt!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'amount, currency, unit, validFrom, validUntil, conditions, restrictions, description',
  })
  terms!: Record<string, unknown>;
  @ApiProperty({ nullable: true, example: 'USD' }) currency!: string | null;
  @ApiProperty({ nullable: true, example: 'USD per 1000 m3' }) unit!: string | null;
  @ApiProperty({ nullable: true, example: '630000000', description: '`terms.amount`' }) pledged!: string | null;
  @ApiPropertyOptional({ example: '0', description: 'Sum of the disbursements; absent for a price (a rate is not a sum)' })
  disbursed?: string;
  @ApiPropertyOptional({
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
  @ApiProperty({ nullable: true }) nextCursor!: string | null;
}

export class TimelineEntryDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: '1042' }) position!: string;
  @ApiProperty() streamId!: string;
  @ApiProperty() streamType!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: '{ at, precision, until }: as corrected' }) effectiveAt!: unknown;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ description: 'When this version of the row became known (a correction makes a new one)' }) knownSince!: string;
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
  @ApiProperty({ type: [String] }) parties!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event data, as corrected' }) data!: unknown;
}

export class TimelinePageDto {
  @ApiProperty() knownAt!: string;
  @ApiProperty({ type: [TimelineEntryDto] }) items!: TimelineEntryDto[];
  @ApiProperty({ nullable: true }) nextCursor!: string | null;
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
