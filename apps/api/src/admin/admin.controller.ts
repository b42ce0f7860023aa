import { Controller, Get, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { rebuildReadModels, RebuildProgress, RebuildResult } from '@timeline/projections';
import { RequiresAccess } from '../auth/access';
import { ProblemException } from '../http/problem';
import { RUNTIME } from '../runtime/tokens';
import type { Runtime } from '@timeline/runtime';

interface RebuildJob {
  state: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  progress?: RebuildProgress;
  result?: RebuildResult;
  error?: string;
}

/** Operations on the read models. One rebuild at a time per process. */
@ApiTags('admin')
@ApiBearerAuth()
@RequiresAccess('admin')
@Controller('v1/admin')
export class AdminController {
  private job?: RebuildJob;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post('rebuild')
  @HttpCode(202)
  @ApiResponse({ status: 202, description: 'Rebuild started; follow it at GET /v1/admin/rebuild' })
  @ApiResponse({ status: 409, description: 'A rebuild is already running' })
  start() {
    if (this.job?.state === 'running') {
      throw new ProblemException(HttpStatus.CONFLICT, 'rebuild_running', 'Conflict', 'a rebuild is already running');
    }
    const job: RebuildJob = { state: 'running', startedAt: new Date().toISOString() };
    this.job = job;
    rebuildReadModels(this.runtime.db, { onProgress: (progress) => (job.progress = progress) }).then(
      (result) => {
        job.state = 'succeeded';
        job.result = result;
      },
      (error: Error) => {
        job.state = 'failed';
        job.error = error.message;
      },
    );
    return job;
  }

  @Get('rebuild')
  status() {
    if (!this.job) throw new ProblemException(HttpStatus.NOT_FOUND, 'no_rebuild', 'Not found', 'no rebuild has run in this process');
    return this.job;
  }
}
