/** The shape of GET /v1/ledger, for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LedgerRowDto {
  @ApiProperty({ example: 'RU' }) by!: string;
  @ApiProperty({ example: 'BY' }) to!: string;
  @ApiProperty({ example: 'loan' }) kind!: string;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty({ example: '630000000', description: 'Decimal strings in `currency`' }) pledged!: string;
  @ApiProperty() disbursed!: string;
  @ApiProperty() outstanding!: string;
  @ApiProperty({ description: 'Sum of the demands (`requested`)' }) requested!: string;
  @ApiProperty() commitments!: number;
}

/** GET /v1/ledger */
export class LedgerDto {
  @ApiProperty() asOf!: string;
  @ApiProperty() knownAt!: string;
  @ApiPropertyOptional() reportedBy?: string;
  @ApiProperty({ type: [LedgerRowDto] }) rows!: LedgerRowDto[];
}
