// Fastify's schema validation errors (ajv's, with its `verbose` option) as one sentence a client can act on:
// every missing field named at once, a union said once ("customer_id must be an integer or a non-empty
// string") rather than as each branch's failure, the body's content type hinted at. Pure: formats, never throws.
import type { FastifySchemaValidationError } from 'fastify';

interface JsonSchema {
  type?: string;
  anyOf?: JsonSchema[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  minLength?: number;
  const?: unknown;
  enum?: unknown[];
}

/** An ajv error; `schema`, `parentSchema` and `data` are there with ajv's `verbose` option. */
type SchemaError = FastifySchemaValidationError & { schema?: unknown; parentSchema?: JsonSchema; data?: unknown };

/** "a, b and c". */
function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What a value must be, in words: "an integer or a non-empty string". */
export function describeSchema(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(describeSchema).join(' or ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  switch (schema.type) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return (schema.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    default:
      return 'something else';
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether `value` is of the JSON type a schema asks for (its other rules aside). */
function ofType(schema: JsonSchema, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((branch) => ofType(branch, value));
  if (schema.type === undefined) return true;
  const type = jsonType(value);
  return schema.type === type || (schema.type === 'number' && type === 'integer');
}

/** The value an error is about: `customer_id`, `events.3.key`, or "the body" for the whole of it. */
function subject(dataVar: string, instancePath: string): string {
  if (instancePath === '') return `the ${dataVar === 'querystring' ? 'query string' : dataVar}`;
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

function describeOne(error: SchemaError, dataVar: string): string {
  const what = subject(dataVar, error.instancePath);
  const parent = error.parentSchema;
  if (error.keyword === 'required' && parent?.required && typeof error.data === 'object' && error.data !== null) {
    const data = error.data as Record<string, unknown>;
    const missing = parent.required.filter((name) => data[name] === undefined);
    return `${what} is missing ${listed(missing)}`;
  }
  if (error.keyword === 'type' && parent) {
    if (error.instancePath === '' && dataVar === 'body' && parent.type === 'object') {
      // No body, or one read as text: the client most likely did not say it sends JSON.
      const hint = error.data === undefined || error.data === null || typeof error.data === 'string';
      return `the body must be a JSON object${hint ? ', sent with Content-Type: application/json' : ''}`;
    }
    return `${what} must be ${describeSchema(parent)}`;
  }
  if (error.keyword === 'additionalProperties' && parent?.properties) {
    const extra = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    return `${what} has ${JSON.stringify(extra)}, which it does not take; it takes ${listed(Object.keys(parent.properties))}`;
  }
  return `${what} ${error.message ?? 'is not valid'}`;
}

/**
 * One message for a request's validation errors. An `anyOf` (a union) is described by the branch whose type
 * the value has (a string too long is "must NOT have more than 256 characters"), or, when it has none of
 * their types, once for the whole union; ajv lists every branch's failure before the union's own.
 */
export function validationMessage(errors: readonly SchemaError[], dataVar: string): string {
  const unions = errors.filter((error) => error.keyword === 'anyOf');
  const insideUnion = (error: SchemaError) =>
    unions.some((union) => union !== error && error.schemaPath.startsWith(`${union.schemaPath}/`));
  const messages = errors
    .filter((error) => !insideUnion(error))
    .map((error) => {
      if (error.keyword !== 'anyOf' || !Array.isArray(error.schema)) return describeOne(error, dataVar);
      const branches = error.schema as JsonSchema[];
      const fitting = branches.findIndex((branch) => ofType(branch, error.data));
      const branchErrors =
        fitting < 0 ? [] : errors.filter((each) => each.schemaPath.startsWith(`${error.schemaPath}/${fitting}/`));
      return branchErrors.length > 0
        ? validationMessage(branchErrors, dataVar)
        : `${subject(dataVar, error.instancePath)} must be ${describeSchema({ anyOf: branches })}`;
    });
  return [...new Set(messages)].join('; ');
}

/** Fastify's schemaErrorFormatter: the error a failed validation becomes (errors.ts answers it as INVALID_REQUEST). */
export function schemaErrorFormatter(errors: FastifySchemaValidationError[], dataVar: string): Error {
  return new Error(validationMessage(errors, dataVar));
}
