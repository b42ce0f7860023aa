import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainRuleViolation, InvalidEffectiveTime } from '@timeline/domain';
import { WrongExpectedVersion } from '@timeline/event-store';
import { NoReadModel } from '@timeline/projections';
import { IdempotencyKeyReused, VersionMismatch } from '@timeline/write';
import { notYet } from '../time-travel/time-params';
import { PROBLEM_CONTENT_TYPE, ProblemDocument, ProblemException, problemType } from './problem';

const STATUS_TITLES: Record<number, string> = {
  400: 'The request is not valid',
  401: 'Authentication is required',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'The request body is too large',
  415: 'Unsupported media type',
  422: 'The request cannot be applied',
  428: 'Precondition required',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/** The one place where errors become HTTP answers: RFC 9457 problem documents. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const problem: ProblemDocument = { ...this.toProblem(exception), instance: request.originalUrl ?? request.url };
    if (problem.status >= 500) {
      this.logger.error({ err: exception, path: request.path }, 'request failed');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (typeof problem.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(problem.retryAfterSeconds));
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDocument {
    if (exception instanceof NoReadModel) {
      return this.toProblem(notYet('the read models are being built'));
    }
    if (exception instanceof ProblemException) {
      return {
        type: problemType(exception.code),
        title: exception.title,
        status: exception.getStatus(),
        detail: exception.detail,
        code: exception.code,
        ...(exception.errors ? { errors: exception.errors } : {}),
        ...exception.extensions,
      };
    }
    if (exception instanceof VersionMismatch) {
      return {
        type: problemType('version_mismatch'),
        title: STATUS_TITLES[412],
        status: HttpStatus.PRECONDITION_FAILED,
        detail: `If-Match asked for version ${exception.expected} but ${exception.streamId} is at version ${exception.actual}`,
        code: 'version_mismatch',
        errors: [{ field: 'If-Match', message: `is "${exception.expected}", the current version is "${exception.actual}"` }],
        currentVersion: exception.actual,
        streamId: exception.streamId,
      };
    }
    if (exception instanceof IdempotencyKeyReused) {
      return {
        type: problemType('idempotency_key_reused'),
        title: 'The Idempotency-Key was used for another request',
        status: HttpStatus.UNPROCESSABLE_ENTITY,
        detail: 'this Idempotency-Key was already used with a different method, path, If-Match or body',
        code: 'idempotency_key_reused',
        errors: [{ field: 'Idempotency-Key', message: 'was already used for a different request' }],
      };
    }
    if (exception instanceof DomainRuleViolation) {
      const status = exception.code.endsWith('_not_found')
        ? HttpStatus.NOT_FOUND
        : exception.code.endsWith('_already_exists')
          ? HttpStatus.CONFLICT
          : HttpStatus.UNPROCESSABLE_ENTITY;
      return {
        type: problemType(exception.code),
        title: STATUS_TITLES[status],
        status,
        detail: exception.message,
        code: exception.code,
        ...(exception.field ? { errors: [{ field: exception.field, message: exception.message }] } : {}),
      };
    }
    if (exception instanceof InvalidEffectiveTime) {
      return {
        type: problemType('invalid_request'),
        title: STATUS_TITLES[400],
        status: 400,
        detail: exception.message,
        code: 'invalid_request',
      };
    }
    if (exception instanceof WrongExpectedVersion) {
      return {
        type: problemType('concurrent_change'),
        title: STATUS_TITLES[409],
        status: HttpStatus.CONFLICT,
        detail: `${exception.message}; it changed while this request was applied, try again`,
        code: 'concurrent_change',
        currentVersion: exception.actual,
      };
    }
    const bodyParserError = exception as { type?: string; status?: number; limit?: number };
    if (bodyParserError.type === 'entity.too.large') {
      return {
        type: problemType('body_too_large'),
        title: STATUS_TITLES[413],
        status: 413,
        detail: `the request body is larger than the limit of ${bodyParserError.limit} bytes`,
        code: 'body_too_large',
      };
    }
    if (bodyParserError.type === 'entity.parse.failed') {
      return {
        type: problemType('malformed_json'),
        title: STATUS_TITLES[400],
        status: 400,
        detail: 'the request body is not valid JSON',
        code: 'malformed_json',
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      };
    }
    // Other errors of the body parser (http-errors): bad Content-Encoding or charset, a broken gzip stream, an aborted upload.
    const clientError = exception as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
    if (typeof clientError.status === 'number' && clientError.status >= 400 && clientError.status < 500 && clientError.expose === true) {
      const status = clientError.status;
      const code = typeof clientError.type === 'string' ? clientError.type.replace(/[^a-z]+/gi, '_').toLowerCase() : 'invalid_request';
      return {
        type: problemType(code),
        title: STATUS_TITLES[status] ?? 'The request is not valid',
        status,
        detail: `the request body cannot be read: ${String(clientError.message).toLowerCase()}`,
        code,
        errors: [{ field: 'body', message: String(clientError.message).toLowerCase() }],
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = (HttpStatus[status] ?? 'error').toLowerCase();
      return {
        type: problemType(code),
        title: STATUS_TITLES[status] ?? exception.name,
        status,
        detail: exception.message,
        code,
      };
    }
    return {
      type: problemType('internal_error'),
      title: 'Internal error',
      status: 500,
      detail: 'the server failed to answer; nothing was recorded unless a later read shows it',
      code: 'internal_error',
    };
  }
}
