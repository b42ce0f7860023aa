import { HttpException, HttpStatus } from '@nestjs/common';

/** One failing part of a request: `field` is a dotted path (`terms.amount`) or a header name. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** RFC 9457 problem details, with the failing fields. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly code: string;
  readonly errors?: readonly FieldError[];
  readonly [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An error that already knows its HTTP answer. */
export class ProblemException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail, status);
  }
}

export function problemType(code: string): string {
  return `/problems/${code.replace(/_/g, '-')}`;
}

export function invalidRequest(errors: readonly FieldError[]): ProblemException {
  const detail = errors.map((error) => `${error.field}: ${error.message}`).join('; ');
  return new ProblemException(HttpStatus.BAD_REQUEST, 'invalid_request', 'The request is not valid', detail, errors);
}
