import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { AccessGuard } from './auth/access.guard';
import { ApiKeyStore, parseKey } from '@timeline/keys';
import { KeysController } from './keys/keys.controller';
import { AmendCommitmentController, AmendCommitmentHandler } from './commitments/amend/amend-commitment';
import { ChangeCommitmentStatusController, ChangeCommitmentStatusHandler } from './commitments/change-status/change-commitment-status';
import { SeedLoader } from './seeds/seed-loader';
import { RecordDisbursementController, RecordDisbursementHandler } from './commitments/disburse/record-disbursement';
import { GetCommitmentController, GetCommitmentHandler } from './commitments/get/get-commitment';
import { RecordCommitmentController, RecordCommitmentHandler } from './commitments/record/record-commitment';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics.controller';
import { EventFeed, type Runtime, withDestination } from '@timeline/runtime';
import { AdminController } from './admin/admin.controller';
import { CorrectEventHandler, RetractEventHandler, ReviseEventController } from './revisions/revise-event';
import { ChooseClaimHandler, ClaimEventController, CorroborateSourceHandler, RecordClaimHandler } from './claims/record-claim';
import { RegisterPartyController, RegisterPartyHandler } from './parties/register/register-party';
import { OpenTrackController, OpenTrackHandler } from './tracks/open/open-track';
import { ChangeTrackStatusController, ChangeTrackStatusHandler } from './tracks/change-status/change-track-status';
import { SetTrackDeadlineController, SetTrackDeadlineHandler } from './tracks/set-deadline/set-track-deadline';
import { StartDeploymentController, StartDeploymentHandler } from './deployments/start/start-deployment';
import { EndDeploymentController, EndDeploymentHandler } from './deployments/end/end-deployment';
import { RecordOccurrenceController, RecordOccurrenceHandler } from './occurrences/record/record-occurrence';
import { CommandWriter, RecentStreams } from '@timeline/write';
import { ProjectionWait } from './time-travel/time-params';
import { TimeTravelController } from './time-travel/time-travel.controller';
import { ListCommitmentsController } from './commitments/list/list-commitments';
import { CommitmentHistoryController } from './commitments/history/commitment-history';
import { LedgerController } from './commitments/ledger/ledger';
import { ListPartiesController } from './parties/list/list-parties';
import { ListTracksController } from './tracks/list/list-tracks';
import { ListDeadlinesController } from './tracks/deadlines/list-deadlines';
import { ListDeploymentsController } from './deployments/list/list-deployments';
import { ListOccurrencesController } from './occurrences/list/list-occurrences';
import { EntityReader } from './time-travel/entity-reader';
import { AuditController } from './audit/audit.controller';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { SchemasController } from './schemas/schemas.controller';
import { ReadModel } from '@timeline/projections';
import { CLOCK, EVENT_STORE, RUNTIME } from './runtime/tokens';

/** Every route of the API: the app serves them, and the OpenAPI document describes them (`openapi.ts`). */
export const API_CONTROLLERS = [
  RecordCommitmentController,
  AmendCommitmentController,
  RecordDisbursementController,
  ChangeCommitmentStatusController,
  GetCommitmentController,
  ListCommitmentsController,
  CommitmentHistoryController,
  LedgerController,
  RegisterPartyController,
  ListPartiesController,
  OpenTrackController,
  ChangeTrackStatusController,
  SetTrackDeadlineController,
  ListTracksController,
  ListDeadlinesController,
  StartDeploymentController,
  EndDeploymentController,
  ListDeploymentsController,
  RecordOccurrenceController,
  ListOccurrencesController,
  TimeTravelController,
  AuditController,
  SubscriptionsController,
  SchemasController,
  ReviseEventController,
  ClaimEventController,
  AdminController,
  KeysController,
  HealthController,
  MetricsController,
];

@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }),
        ThrottlerModule.forRoot({
          throttlers: [{ limit: runtime.config.rateLimit?.limit ?? 0, ttl: (runtime.config.rateLimit?.windowSeconds ?? 60) * 1000 }],
          // One budget per key across all routes; requests without a (well-formed) key share their address's.
          getTracker: rateLimitTracker,
          generateKey: (_context, tracker) => tracker,
          errorMessage: 'too many requests from this key or address; try again after Retry-After seconds',
        }),
        LoggerModule.forRoot({
          pinoHttp: withDestination({
            level: runtime.config.logLevel,
            // Keys and cookies never reach a log line (request bodies and answers are not logged at all).
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
            autoLogging: {
              ignore: (request: { url?: string }) => (request.url?.startsWith('/health') || request.url?.startsWith('/metrics')) ?? false,
            },
          }),
        }),
      ],
      controllers: API_CONTROLLERS,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: EVENT_STORE, useValue: runtime.store },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: ApiKeyStore, useValue: new ApiKeyStore(runtime.db.pool) },
        // Rate limit first, so that requests with bad keys count too; then who is asking and what they may do.
        ...(runtime.config.rateLimit ? [{ provide: APP_GUARD, useClass: ThrottlerGuard }] : []),
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: RecentStreams, useValue: new RecentStreams(runtime.config.writeCacheEvents) },
        {
          provide: CommandWriter,
          useFactory: (recent: RecentStreams) => new CommandWriter(runtime.store, recent),
          inject: [RecentStreams],
        },
        SeedLoader,
        RecordCommitmentHandler,
        AmendCommitmentHandler,
        RecordDisbursementHandler,
        ChangeCommitmentStatusHandler,
        RegisterPartyHandler,
        OpenTrackHandler,
        ChangeTrackStatusHandler,
        SetTrackDeadlineHandler,
        StartDeploymentHandler,
        EndDeploymentHandler,
        RecordOccurrenceHandler,
        CorrectEventHandler,
        RetractEventHandler,
        CorroborateSourceHandler,
        RecordClaimHandler,
        ChooseClaimHandler,
        GetCommitmentHandler,
        ProjectionWait,
        EntityReader,
        { provide: EventFeed, useValue: runtime.feed },
        { provide: ReadModel, useValue: new ReadModel(runtime.db.pool) },
      ],
    };
  }
}

/** The key's id when the request carries one that looks like a key, otherwise the client's address. */
function rateLimitTracker(request: { headers?: { authorization?: unknown }; ip?: string; socket?: { remoteAddress?: string } }): string {
  const token = /^Bearer +(\S+)$/i.exec(typeof request.headers?.authorization === 'string' ? request.headers.authorization : '')?.[1];
  const key = token ? parseKey(token) : undefined;
  return key ? `key:${key.id}` : `ip:${request.ip ?? request.socket?.remoteAddress ?? 'unknown'}`;
}
