import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OCCURRENCE_KINDS, PARTY_CODE, PARTY_KINDS, TRACK_KINDS, TRACK_STATUSES } from '@timeline/domain';
import { CURRENCY, CURRENCY_MESSAGE, FactDto } from '../commitments/commitment.dto';
import { IsEffectiveTime } from '../http/validation';

export const SIGNED_DECIMAL = /^-?(0|[1-9]\d{0,17})(\.\d{1,6})?$/;
const DECIMAL_TEXT = 'must be a decimal number written as a string, like "3.5"';
const PARTY_TEXT = 'must be a party code of 2 to 10 capitals, digits or -, like "BY"';

export class RegisterPartyDto extends FactDto {
  @ApiProperty({ example: 'BY' }) @Matches(PARTY_CODE, { message: `partyId ${PARTY_TEXT}` }) partyId!: string;
  @ApiProperty({ example: 'Belarus' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ enum: PARTY_KINDS }) @IsIn(PARTY_KINDS) kind!: string;
}

export class OpenTrackDto extends FactDto {
  @ApiProperty({ example: 'Harmonization of Monetary Policy' }) @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @ApiProperty({ example: 'monetary policy' }) @IsString() @IsNotEmpty() @MaxLength(200) area!: string;
  @ApiProperty({ enum: TRACK_KINDS }) @IsIn(TRACK_KINDS) kind!: string;
  @ApiProperty({ example: ['BY', 'RU'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(PARTY_CODE, { each: true, message: `parties ${PARTY_TEXT}` })
  parties!: string[];
  @ApiProperty({ enum: TRACK_STATUSES }) @IsIn(TRACK_STATUSES) status!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
}

export class ChangeTrackStatusDto extends FactDto {
  @ApiProperty({ enum: TRACK_STATUSES }) @IsIn(TRACK_STATUSES) status!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class SetTrackDeadlineDto extends FactDto {
  @ApiProperty({ example: 'principles' })
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'deadlineId must be a lower-case slug' })
  deadlineId!: string;
  @ApiProperty({ example: 'Central banks agree principles and mechanisms' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  description!: string;
  @ApiProperty({ example: '2022-12', description: 'When it is due, at the precision the source gives' }) @IsEffectiveTime() due!: string;
}

export class StartDeploymentDto extends FactDto {
  @ApiProperty({ example: 'Su-30SM multirole fighters' }) @IsString() @IsNotEmpty() @MaxLength(500) asset!: string;
  @ApiPropertyOptional({ example: '4' }) @IsOptional() @Matches(SIGNED_DECIMAL, { message: `quantity ${DECIMAL_TEXT}` }) quantity?: string;
  @ApiPropertyOptional({ example: 'aircraft' }) @IsOptional() @IsString() @MaxLength(100) unit?: string;
  @ApiProperty({ example: 'Baranovichi' }) @IsString() @IsNotEmpty() @MaxLength(500) place!: string;
  @ApiProperty({ example: 'BY' }) @Matches(PARTY_CODE, { message: `host ${PARTY_TEXT}` }) host!: string;
  @ApiProperty({ example: 'RU' }) @Matches(PARTY_CODE, { message: `by ${PARTY_TEXT}` }) by!: string;
  @ApiPropertyOptional({ example: 'RU' }) @IsOptional() @Matches(PARTY_CODE, { message: `commandedBy ${PARTY_TEXT}` }) commandedBy?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) purpose?: string;
}

export class EndDeploymentDto extends FactDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

class TopicDto {
  @ApiProperty({ example: 'military matters' }) @IsString() @IsNotEmpty() @MaxLength(500) topic!: string;
  @ApiPropertyOptional({ example: '3.5' }) @IsOptional() @Matches(SIGNED_DECIMAL, { message: `hours ${DECIMAL_TEXT}` }) hours?: string;
}

export class RecordOccurrenceDto extends FactDto {
  @ApiProperty({ enum: OCCURRENCE_KINDS }) @IsIn(OCCURRENCE_KINDS) kind!: string;
  @ApiProperty({ example: 'Putin and Lukashenka meet' }) @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @ApiProperty({ example: ['BY', 'RU'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(PARTY_CODE, { each: true, message: `parties ${PARTY_TEXT}` })
  parties!: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) place?: string;
  @ApiPropertyOptional() @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) participants?: string[];
  @ApiPropertyOptional({ example: '8' })
  @IsOptional()
  @Matches(SIGNED_DECIMAL, { message: `durationHours ${DECIMAL_TEXT}` })
  durationHours?: string;
  @ApiPropertyOptional({ type: [TopicDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TopicDto)
  topics?: TopicDto[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) speaker?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) quote?: string;
  @ApiPropertyOptional({ example: '-6' }) @IsOptional() @Matches(SIGNED_DECIMAL, { message: `value ${DECIMAL_TEXT}` }) value?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(SIGNED_DECIMAL, { message: `valueMax ${DECIMAL_TEXT}` }) valueMax?: string;
  @ApiPropertyOptional({ example: '% of GDP' }) @IsOptional() @IsString() @MaxLength(100) unit?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CURRENCY, { message: `currency ${CURRENCY_MESSAGE}` }) currency?: string;
  @ApiPropertyOptional({ example: '2022' }) @IsOptional() @IsEffectiveTime() horizon?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
}
