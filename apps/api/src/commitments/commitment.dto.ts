import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { CONFIDENCES, Confidence } from '@timeline/domain';
import { IsEffectiveTime } from '../http/validation';

export const DECIMAL = /^(0|[1-9]\d{0,17})(\.\d{1,6})?$/;
export const DECIMAL_MESSAGE = 'must be a decimal number written as a string, like "600000000" or "0.5" (up to 6 decimals)';
export const CURRENCY = /^[A-Z]{3}$/;
export const CURRENCY_MESSAGE = 'must be an ISO 4217 currency code, like "USD" or "RUB"';

/** Valid only beside `sibling`: the error names this field and says what is missing. */
function NeedsSibling(sibling: string, message: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'needsSibling',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message },
      validator: { validate: (_value, args) => (args?.object as Record<string, unknown>)[sibling] !== undefined },
    });
}

export class SourceDto {
  @ApiProperty({ example: 'Made-up test source (an example, not a real report)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiPropertyOptional({ example: 'Belsat' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  publisher?: string;

  @ApiPropertyOptional({ example: 'https://example.org/article' })
  @IsOptional()
  @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({
    example: '2021-09-09/2021-09-16',
    description:
      'When the source was published, with its precision: YYYY, YYYY-MM, YYYY-MM-DD, an ISO 8601 instant with a zone, or a range A/B',
  })
  @IsOptional()
  @IsEffectiveTime()
  publishedAt?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'true: `publishedAt` is an estimate, not a date the source gives (needs `publishedAt`)',
  })
  @IsOptional()
  @IsBoolean({ message: 'publishedAtEstimated must be true or false' })
  @NeedsSibling('publishedAt', 'publishedAtEstimated needs publishedAt: the date it says is an estimate')
  publishedAtEstimated?: boolean;

  @ApiPropertyOptional({
    example: 'pledging only a $600m loan until the end of 2022',
    description: 'The passage that supports the fact, word for word',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  quote?: string;

  @ApiPropertyOptional({
    example: 'about $630m in loans to end-2022',
    description: 'What the source says, in other words than its own (a summary, a translation): never shown as a quote',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'paraphrase must not be empty: leave it out when there is none' })
  @MaxLength(4000)
  paraphrase?: string;

  @ApiPropertyOptional({ description: 'What we add: how we read the source, an inference, the basis of an estimate' })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: 'note must not be empty: leave it out when there is none' })
  @MaxLength(2000)
  note?: string;
}

/** What every write cites: the source and how sure it is. */
export abstract class SourcedDto {
  @ApiProperty({ type: SourceDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceDto)
  source!: SourceDto;

  @ApiPropertyOptional({ enum: CONFIDENCES, default: 'reported' })
  @IsOptional()
  @IsIn(CONFIDENCES)
  confidence?: Confidence;
}

/** The fields every fact carries: valid time, source and confidence. */
export abstract class FactDto extends SourcedDto {
  @ApiProperty({
    description: 'When it took effect: YYYY, YYYY-MM, YYYY-MM-DD, an ISO 8601 instant with a zone, or a range A/B',
    example: '2021-09-09',
  })
  @IsDefined()
  @IsEffectiveTime()
  effectiveAt!: string;
}

export class TermsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '630000000',
    description: 'Decimal string; a count of `currency` or of `unit`',
  })
  @IsOptional()
  @Matches(DECIMAL, { message: `amount ${DECIMAL_MESSAGE}` })
  amount?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'USD' })
  @IsOptional()
  @Matches(CURRENCY, { message: `currency ${CURRENCY_MESSAGE}` })
  currency?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'USD per 1000 m3',
    description: 'What the amount counts, when it is not money alone',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  unit?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2021' })
  @IsOptional()
  @IsEffectiveTime()
  validFrom?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '2022-12' })
  @IsOptional()
  @IsEffectiveTime()
  validUntil?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  conditions?: string[] | null;

  @ApiPropertyOptional({ type: [String], example: ['only for refinancing debt to Russia'] })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  restrictions?: string[] | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string | null;
}

/** Removes the keys the client did not send, so that `null` (remove) and absent (keep) differ. */
export function sentFields<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export function factOf(dto: FactDto) {
  return { effectiveAt: dto.effectiveAt, source: sentFields(dto.source) as SourceDto, confidence: dto.confidence };
}

export class WriteResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 3 }) version!: number;
  @ApiProperty({ type: [String] }) eventIds!: string[];
  @ApiProperty({ example: '1042', description: 'Global position of the last event written' }) position!: string;
}
