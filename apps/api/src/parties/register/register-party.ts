import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { PARTY_CODE, PARTY_KINDS, partyAggregate, RegisterParty } from '@timeline/domain';
import { CommandWriter, WriteOutcome } from '@timeline/write';
import { FactDto, factOf, WriteResponseDto } from '../../commitments/commitment.dto';
import { PARTY_TEXT } from '../../http/entity-fields';
import { Write, WriteMeta } from '../../http/write-context';
import { AggregateWriteCommand, commandData, sendWriteAnswer } from '../../write/write-command';

export class RegisterPartyDto extends FactDto {
  @ApiProperty({ example: 'BY' }) @Matches(PARTY_CODE, { message: `partyId ${PARTY_TEXT}` }) partyId!: string;
  @ApiProperty({ example: 'Belarus' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @ApiProperty({ enum: PARTY_KINDS }) @IsIn(PARTY_KINDS) kind!: string;
}

export class RegisterPartyCommand extends AggregateWriteCommand<RegisterParty> {}

@CommandHandler(RegisterPartyCommand)
export class RegisterPartyHandler implements ICommandHandler<RegisterPartyCommand, WriteOutcome> {
  constructor(private readonly writer: CommandWriter) {}

  execute({ command, fact, meta }: RegisterPartyCommand): Promise<WriteOutcome> {
    return this.writer.execute(partyAggregate, command, fact, meta);
  }
}

@ApiTags('parties, tracks, deployments, occurrences')
@ApiBearerAuth()
@Controller('v1/parties')
export class RegisterPartyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiResponse({ status: 201, type: WriteResponseDto, description: 'Registered; the party is known from effectiveAt' })
  async registerParty(@Body() body: RegisterPartyDto, @Write() meta: WriteMeta, @Res({ passthrough: true }) response: Response) {
    const command = { type: 'RegisterParty' as const, data: commandData(body) as RegisterParty['data'] };
    return sendWriteAnswer(
      response,
      await this.commandBus.execute<RegisterPartyCommand, WriteOutcome>(new RegisterPartyCommand(command, factOf(body), meta)),
    );
  }
}
