import { Controller, Get, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { dataSchema, EVENT_TYPES, latestSchemaVersion, schemaVersions, sourceSchema } from '@timeline/event-schemas';
import { ProblemException } from '../http/problem';
import { SchemaListDto } from './answers.dto';

class SchemaQuery {
  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'version must be a whole number' })
  version?: string;
}

/** The published JSON Schema of each event type's data, by version. */
@ApiTags('schemas')
@Controller('v1/schemas')
export class SchemasController {
  @Get()
  @ApiOkResponse({ type: SchemaListDto })
  list() {
    return {
      items: EVENT_TYPES.map((type) => ({ type, versions: schemaVersions(type), latest: latestSchemaVersion(type) })),
      source: sourceSchema().$id,
    };
  }

  /** The schema of the `source` every event carries beside its data. */
  @Get('source')
  source() {
    return sourceSchema();
  }

  @Get(':type')
  get(@Param('type') type: string, @Query() query: SchemaQuery) {
    const schema = dataSchema(type, query.version ? Number(query.version) : undefined);
    if (!schema) {
      throw new ProblemException(
        HttpStatus.NOT_FOUND,
        'schema_not_found',
        'Not found',
        `no schema for ${type}${query.version ? ` version ${query.version}` : ''}`,
        [{ field: query.version && EVENT_TYPES.includes(type) ? 'version' : 'type', message: `known types: ${EVENT_TYPES.join(', ')}` }],
      );
    }
    return schema;
  }
}
