/**
 * What GET /v1/events/stream sends, for the OpenAPI document (and so for the
 * web page's generated types): `text/event-stream` is not described frame by
 * frame in OpenAPI 3.0, so these are extra models the endpoint names.
 */
import { ApiProperty } from '@nestjs/swagger';
import { CONFIDENCES, type Confidence } from '@timeline/domain';
import { SourceDto } from '../commitments/commitment.dto';
import { EffectiveTimeDto } from '../time-travel/answers.dto';

/** The data of an event's frame: the event as stored (the complete envelope), at its current schema version. */
export class RecordedEventDto {
  @ApiProperty({ format: 'uuid', description: 'UUIDv7, made by the writer' }) id!: string;
  @ApiProperty({ example: 'CommitmentRecorded', description: "Past-tense type; also the frame's `event:` field" }) type!: string;
  @ApiProperty({ example: 1 }) schemaVersion!: number;
  @ApiProperty({ example: 'commitment-0190f5a8-0000-7000-8000-000000000001' }) streamId!: string;
  @ApiProperty({ example: 'commitment' }) streamType!: string;
  @ApiProperty({ example: 1, description: "The event's version within its stream, from 1" }) streamVersion!: number;
  @ApiProperty({ example: '1042', description: "Global position (commit order), a decimal string; also the frame's `id:`" })
  position!: string;
  @ApiProperty({ type: EffectiveTimeDto, description: 'When it happened, with its precision (valid time)' }) effectiveAt!: EffectiveTimeDto;
  @ApiProperty({ example: '2021-09-10T08:00:00.000Z', description: 'When this service recorded it (transaction time), UTC' })
  recordedAt!: string;
  @ApiProperty({ example: 'admin', description: 'Who recorded it (the owner of the API key)' }) actor!: string;
  @ApiProperty({ type: SourceDto }) source!: SourceDto;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: Confidence;
  @ApiProperty({ format: 'uuid' }) correlationId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The event that caused this one, if any' }) causationId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The event's own fields, as its JSON Schema (GET /v1/schemas) says",
  })
  data!: Record<string, unknown>;
}

/** The data of an `event: overflow` frame: the subscriber fell behind and was disconnected. */
export class StreamOverflowDto {
  @ApiProperty({ example: '1042', description: 'Reconnect with `Last-Event-ID` set to this position to resume without a gap' })
  resumeFrom!: string;
  @ApiProperty({ example: 'the client is not reading fast enough' }) reason!: string;
}
