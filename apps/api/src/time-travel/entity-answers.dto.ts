/**
 * The shapes of parties, tracks and deployments as the read answers give them (GET /v1/state's
 * sections, /v1/parties), for the OpenAPI document.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { AttributionDto } from './answers.dto';

const SOURCES = {
  type: 'object',
  additionalProperties: { $ref: '#/components/schemas/AttributionDto' },
  description: 'For each fact, by its path (`effectiveAt`, `name`, `status`, `deadlines`, …), the source of its current value',
} as const;
const UNCERTAIN = { type: 'array', items: { type: 'object' }, description: 'Facts counted whose period has not closed at asOf' } as const;

export class PartyAnswerDto {
  @ApiProperty({ example: 'BY' }) partyId!: string;
  @ApiPropertyOptional({ example: 'Belarus', description: 'Absent for a party a commitment names without its being registered' })
  name?: string;
  @ApiPropertyOptional({ example: 'state' }) kind?: string;
  @ApiPropertyOptional({ description: 'false: named by a commitment, never registered (then only `partyId` is given)' })
  registered?: boolean;
  @ApiPropertyOptional(SOURCES) sources?: Record<string, AttributionDto>;
}

export class DeadlineAnswerDto {
  @ApiProperty() deadlineId!: string;
  @ApiProperty({ example: '2021-12', description: 'As recorded, with its precision' }) due!: string;
  @ApiProperty({ description: 'First instant of the due period' }) dueAt!: string;
  @ApiProperty({ description: 'First instant after the due period' }) dueUntil!: string;
  @ApiProperty() description!: string;
}

export class TrackAnswerDto {
  @ApiProperty() trackId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ example: 'union_program' }) kind!: string;
  @ApiProperty() area!: string;
  @ApiProperty({ example: 'open' }) status!: string;
  @ApiProperty({ type: [String] }) parties!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: [DeadlineAnswerDto] }) deadlines!: DeadlineAnswerDto[];
  @ApiProperty(UNCERTAIN) uncertain!: unknown[];
  @ApiProperty(SOURCES) sources!: Record<string, AttributionDto>;
}

export class DeploymentAnswerDto {
  @ApiProperty() deploymentId!: string;
  @ApiProperty({ example: 'Su-30SM fighter jets' }) asset!: string;
  @ApiProperty({ type: String, nullable: true, example: '2' }) quantity!: string | null;
  @ApiProperty({ type: String, nullable: true }) unit!: string | null;
  @ApiProperty({ type: String, nullable: true }) place!: string | null;
  @ApiProperty({ example: 'RU' }) by!: string;
  @ApiProperty({ example: 'BY' }) host!: string;
  @ApiProperty({ type: String, nullable: true }) commandedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) purpose!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ type: String, nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) endReason!: string | null;
  @ApiProperty(UNCERTAIN) uncertain!: unknown[];
  @ApiProperty(SOURCES) sources!: Record<string, AttributionDto>;
}

/** GET /v1/parties: every registered party at the time axes. */
export class PartyListDto {
  @ApiProperty() asOf!: string;
  @ApiProperty() knownAt!: string;
  @ApiPropertyOptional() reportedBy?: string;
  @ApiProperty() count!: number;
  @ApiProperty({ type: [PartyAnswerDto] }) items!: PartyAnswerDto[];
}
