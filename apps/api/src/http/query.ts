import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches } from 'class-validator';
import { PARTY_CODE } from '@timeline/domain';

/** `?status=pledged,requested` as a list, for class-transformer's @Transform. */
export function commaList({ value }: { value: unknown }): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;
}

/**
 * `?party=BY` or `?party=BY,RU`: what is by, to or about any of these parties. Up to 20
 * codes, each like "BY"; an empty list is refused rather than read as "every party".
 */
export function PartyList(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example: 'BY,RU',
      description: 'Comma-separated party codes (up to 20): what is by, to or about any of them',
      type: String,
    }),
    IsOptional(),
    Transform(commaList),
    IsArray({ message: 'party must be party codes separated by commas, like "BY,RU"' }),
    ArrayMinSize(1, { message: 'party must name at least one party, like "BY"' }),
    ArrayMaxSize(20, { message: 'party must name at most 20 parties' }),
    Matches(PARTY_CODE, { each: true, message: 'party must be party codes separated by commas, like "BY,RU"' }),
  );
}
