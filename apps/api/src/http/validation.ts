import { ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';
import { InvalidEffectiveTime, parseEffectiveTime } from '@timeline/domain';
import { FieldError, invalidRequest } from './problem';

/**
 * Whitelisting validation for every body and query: unknown fields are
 * refused by name, and every error names its dotted path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => invalidRequest(flatten(errors)),
  });
}

export function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      result.push({
        field,
        message: constraint === 'whitelistValidation' ? 'is not a known field' : message.replace(/^\S+ /, ''),
      });
    }
    if (error.children?.length) result.push(...flatten(error.children, field));
  }
  return result;
}

/** YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 instant with a zone. */
export function IsEffectiveTime(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEffectiveTime',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            parseEffectiveTime(value);
            return true;
          } catch (error) {
            if (error instanceof InvalidEffectiveTime) return false;
            throw error;
          }
        },
        defaultMessage(args) {
          const value: unknown = args?.value;
          if (typeof value !== 'string') return `${args?.property} must be a date string`;
          try {
            parseEffectiveTime(value);
            return '';
          } catch (error) {
            return `${args?.property} ${(error as Error).message.replace(/^"[^"]*" /, '')}`;
          }
        },
      },
    });
}
