/** The shape of a commitment's history (GET /v1/commitments/{id}/history), for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONFIDENCES } from '@timeline/domain';
import { SourceDto } from '../commitment.dto';
import { EffectiveTimeDto, JSON_VALUE } from '../../time-travel/answers.dto';

export class FieldChangeDto {
  @ApiProperty({ example: 'terms.amount' }) path!: string;
  @ApiProperty({ ...JSON_VALUE, description: 'The value before; null when the field was absent' }) from!: unknown;
  @ApiProperty({ ...JSON_VALUE, description: 'The value after; null when the field is absent' }) to!: unknown;
}

class HistoryFixDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ enum: ['correction', 'retraction'] }) kind!: 'correction' | 'retraction';
  @ApiPropertyOptional({ description: 'Set when folds ignore the revision: it then fixes nothing' }) ignored?: string;
}

class HistoryCorrectionRefDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() recordedAt!: string;
}

class HistoryRetractionRefDto {
  @ApiProperty({ format: 'uuid', description: 'The EventRetracted event' }) by!: string;
  @ApiProperty() recordedAt!: string;
}

class HistoryAboutDto {
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ enum: ['corroboration', 'claim', 'choice'] }) kind!: 'corroboration' | 'claim' | 'choice';
  @ApiPropertyOptional({ example: 'terms.amount' }) field?: string;
}

export class HistoryVersionDto {
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ type: EffectiveTimeDto, description: 'As recorded; a later correction does not alter it here' })
  effectiveAt!: EffectiveTimeDto;
  @ApiProperty() recordedAt!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ type: SourceDto }) source!: SourceDto;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty() correlationId!: string;
  @ApiProperty({ type: String, nullable: true }) causationId!: string | null;
  @ApiProperty({ type: [FieldChangeDto], description: 'The commitment as recorded up to this version, against up to the one before' })
  changes!: FieldChangeDto[];
  @ApiPropertyOptional({ type: HistoryFixDto, description: 'For a correction or retraction: the event it fixes' }) fixes?: HistoryFixDto;
  @ApiPropertyOptional({ type: HistoryRetractionRefDto }) retracted?: HistoryRetractionRefDto;
  @ApiPropertyOptional({ type: [HistoryCorrectionRefDto] }) correctedBy?: HistoryCorrectionRefDto[];
  @ApiPropertyOptional({ type: HistoryAboutDto, description: 'For a claim event: the event it is about, and what it says of it' })
  about?: HistoryAboutDto;
}

/** GET /v1/commitments/{id}/history */
export class HistoryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [HistoryVersionDto], description: 'Every version, in stream order' }) versions!: HistoryVersionDto[];
}
