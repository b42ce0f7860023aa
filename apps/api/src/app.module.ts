import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { WriteAccessGuard } from './auth/write-access.guard';
import { AmendCommitmentController, AmendCommitmentHandler } from './commitments/amend/amend-commitment';
import {
  ChangeCommitmentStatusController,
  ChangeCommitmentStatusHandler,
} from './commitments/change-status/change-commitment-status';
import { AggregateWriter } from './aggregates/aggregate-writer';
import { ExecuteAggregateHandler } from './aggregates/definitions';
import { SeedLoader } from './seeds/seed-loader';
import { CommitmentWriter } from './commitments/commitment-writer';
import { RecordDisbursementController, RecordDisbursementHandler } from './commitments/disburse/record-disbursement';
import { GetCommitmentController, GetCommitmentHandler } from './commitments/get/get-commitment';
import { RecordCommitmentController, RecordCommitmentHandler } from './commitments/record/record-commitment';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics.controller';
import { AdminController } from './admin/admin.controller';
import { ReviseEventController, ReviseEventHandler } from './revisions/revise-event';
import { ProjectionWait } from './time-travel/time-params';
import { TimeTravelController } from './time-travel/time-travel.controller';
import { EntitiesController } from './entities/entities.controller';
import { AuditController } from './audit/audit.controller';
import { EventFeed } from './subscriptions/event-feed';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { SchemasController } from './schemas/schemas.controller';
import { ReadModel } from '@timeline/projections';
import type { Runtime } from './runtime/runtime';
import { CLOCK, EVENT_STORE, RUNTIME } from './runtime/tokens';

@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: runtime.config.logLevel,
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
            autoLogging: { ignore: (request) => (request.url?.startsWith('/health') || request.url?.startsWith('/metrics')) ?? false },
          },
        }),
      ],
      controllers: [
        RecordCommitmentController,
        AmendCommitmentController,
        RecordDisbursementController,
        ChangeCommitmentStatusController,
        GetCommitmentController,
        TimeTravelController,
        EntitiesController,
        AuditController,
        SubscriptionsController,
        SchemasController,
        ReviseEventController,
        AdminController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: EVENT_STORE, useValue: runtime.store },
        { provide: CLOCK, useValue: runtime.clock },
        WriteAccessGuard,
        AggregateWriter,
        ExecuteAggregateHandler,
        SeedLoader,
        CommitmentWriter,
        RecordCommitmentHandler,
        AmendCommitmentHandler,
        RecordDisbursementHandler,
        ChangeCommitmentStatusHandler,
        GetCommitmentHandler,
        ReviseEventHandler,
        ProjectionWait,
        { provide: EventFeed, useValue: runtime.feed },
        { provide: ReadModel, useValue: new ReadModel(runtime.db.pool) },
      ],
    };
  }
}
