import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** The `:id` of a programme, a deployment or an occurrence. */
export class EntityIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'id must be a UUID' }) id!: string;
}
