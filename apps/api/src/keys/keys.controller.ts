import { Body, Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Matches, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { RequiresAccess } from '../auth/access';
import type { AuthenticatedRequest } from '../auth/access.guard';
import { ApiKeyStore, KEY_ROLES, KeyRole, ownerProblem } from '@timeline/keys';
import { ProblemException } from '../http/problem';

@ValidatorConstraint({ name: 'keyOwner' })
class KeyOwnerConstraint implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return typeof value === 'string' && ownerProblem(value) === undefined;
  }
  defaultMessage(args?: { value: unknown }) {
    return `owner ${typeof args?.value === 'string' ? ownerProblem(args.value) : 'must be a string'}`;
  }
}

export class CreateKeyDto {
  @ApiProperty({
    description: 'who the key belongs to; recorded as the actor of every event written with it',
    example: 'a.analyst@example.org',
  })
  @IsString()
  @Validate(KeyOwnerConstraint)
  owner!: string;

  @ApiProperty({ enum: KEY_ROLES, description: 'reader: read; editor: read and write events; admin: also keys and admin operations' })
  @IsIn(KEY_ROLES)
  role!: KeyRole;
}

export class KeyIdParams {
  @ApiProperty({ example: '3f9c1a2b4d5e6f70' })
  @IsString()
  @Matches(/^[0-9a-f]{16}$/, { message: 'id must be the 16 hex digits of a key id' })
  id!: string;
}

/** API keys: made, listed and revoked by admins. A new key's secret is in the answer once. */
@ApiTags('admin')
@ApiBearerAuth()
@RequiresAccess('admin')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @HttpCode(201)
  @Header('Cache-Control', 'no-store')
  @ApiResponse({ status: 201, description: 'The key, with `key` (the secret) shown this once' })
  create(@Body() body: CreateKeyDto, @Req() request: AuthenticatedRequest) {
    return this.keys.create({ owner: body.owner, role: body.role, createdBy: request.principal!.actor });
  }

  @Get()
  @ApiResponse({ status: 200, description: 'Every key, revoked ones too, without secrets' })
  async list() {
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  @ApiResponse({ status: 200, description: 'The key, revoked; it stops working at once. Revoking again changes nothing.' })
  async revoke(@Param() params: KeyIdParams, @Req() request: AuthenticatedRequest) {
    const revoked = await this.keys.revoke(params.id, request.principal!.actor);
    if (!revoked) {
      throw new ProblemException(HttpStatus.NOT_FOUND, 'key_not_found', 'Not found', `there is no key ${params.id}`, [
        { field: 'id', message: 'is not a known key' },
      ]);
    }
    return revoked;
  }
}
