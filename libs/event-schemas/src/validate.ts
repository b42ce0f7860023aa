import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { dataSchema, sourceSchema } from './schemas';

export interface SchemaProblem {
  /** Dotted path inside data, e.g. `terms.amount`; empty for the whole object. */
  readonly path: string;
  readonly message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /T/.test(value));
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const compiled = new Map<string, ValidateFunction>();

/** Problems of `data` against the schema of `type` at `version`; an unknown type or version is one problem. */
export function validateEventData(type: string, data: unknown, version?: number): SchemaProblem[] {
  const schema = dataSchema(type, version);
  if (!schema) return [{ path: '', message: `unknown event type or schema version: ${type}${version ? ` v${version}` : ''}` }];
  const key = String(schema.$id);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map(describe);
}

let sourceValidator: ValidateFunction | undefined;

/** Problems of an event's `source` against the published source schema. */
export function validateSource(source: unknown): SchemaProblem[] {
  sourceValidator ??= ajv.compile(sourceSchema());
  if (sourceValidator(source)) return [];
  return (sourceValidator.errors ?? []).map(describe);
}

function describe(error: ErrorObject): SchemaProblem {
  const base = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: base ? `${base}.${extra}` : extra, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return { path: base ? `${base}.${missing}` : missing, message: 'is required' };
  }
  if (error.keyword === 'dependencies') {
    const { property, missingProperty } = error.params as { property: string; missingProperty: string };
    return { path: base ? `${base}.${property}` : property, message: `needs ${missingProperty}` };
  }
  if (error.keyword === 'enum') {
    return { path: base, message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
  }
  return { path: base, message: error.message ?? 'is not valid' };
}
