/** GET /v1/schemas, for the OpenAPI document. */
import { ApiProperty } from '@nestjs/swagger';

export class SchemaSummaryDto {
  @ApiProperty({ example: 'CommitmentRecorded' }) type!: string;
  @ApiProperty({ type: [Number], example: [1, 2] }) versions!: number[];
  @ApiProperty({ example: 2 }) latest!: number;
}

export class SchemaListDto {
  @ApiProperty({ type: [SchemaSummaryDto], description: 'Every event type, with the versions of its data schema' })
  items!: SchemaSummaryDto[];
  @ApiProperty({ description: 'The `$id` of the schema of the `source` every event carries' }) source!: string;
}
