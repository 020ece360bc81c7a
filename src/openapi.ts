// The API reference: an OpenAPI 3 document that @fastify/swagger builds from the TypeBox schemas the routes
// validate with (GET /openapi.json), and Swagger UI at /docs, served from its package (no CDN). Never changes a route.
import { projectPath } from './project-root.js';
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from './errors.js';

const { version } = JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as {
  version: string;
};

/** The reference's sections: every documented route carries one of these tags. */
export const TAGS = {
  vouchers: { name: 'vouchers', description: 'Which voucher amount to offer a customer, from the served run' },
  ltv: { name: 'lifetime value', description: 'Customer events in, the customers with the highest lifetime value out' },
  pipeline: { name: 'pipeline', description: 'Refreshing the warehouse, and what this server serves' },
  dashboard: { name: 'dashboard', description: 'The dashboard at / and the JSON it reads (answered from memory)' },
  operations: { name: 'operations', description: 'Prometheus metrics and this reference' },
} as const;

/** The document's name for the shared error body. */
const ERROR_REF = '#/components/schemas/ErrorBody';

/**
 * Documented error answers, each the shared ErrorBody: `{ 400: 'INVALID_REQUEST: ...' }` becomes
 * `{ 400: ErrorBody with that description }`, for a route's `response` beside its success schema.
 */
export function errorResponses<S extends number | `${number}xx`>(
  statuses: Record<S, string>,
): Record<S, typeof ErrorBody> {
  const responses = {} as Record<S, typeof ErrorBody>;
  for (const [status, description] of Object.entries(statuses) as [S, string][]) {
    responses[status] = Type.Object(ErrorBody.properties, { description });
  }
  return responses;
}

const ERROR_FIELDS = Object.keys(ErrorBody.properties).sort().join();

function isErrorBody(schema: unknown): boolean {
  const properties = (schema as { properties?: object } | undefined)?.properties;
  return properties !== undefined && Object.keys(properties).sort().join() === ERROR_FIELDS;
}

interface OpenApiDocument {
  paths?: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
  components?: { schemas?: Record<string, unknown> };
}

/** Every error answer refers to one ErrorBody component, so a generated client has one error type. */
function shareErrorBody(document: OpenApiDocument): OpenApiDocument {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        for (const media of Object.values(response.content ?? {})) {
          if (isErrorBody(media.schema)) media.schema = { $ref: ERROR_REF };
        }
      }
    }
  }
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ErrorBody: {
        ...JSON.parse(JSON.stringify(ErrorBody)),
        description:
          'Every error: an HTTP status, a stable code to branch on, the status text and a message for people',
      },
    },
  };
  return document;
}

/** Registers the document builder; call before any route, so every route is seen. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Customer analytics',
        version,
        description:
          'Voucher selection and customer lifetime value over a DuckDB warehouse built by versioned SQL. ' +
          'Every error is the JSON `ErrorBody` with a 4xx or 5xx status. The dashboard is at `/`, ' +
          'this reference at `/docs`, the document itself at `/openapi.json` and Prometheus metrics at `/metrics`.',
      },
      tags: Object.values(TAGS),
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } },
    },
    transformObject: (document) =>
      'openapiObject' in document ? shareErrorBody(document.openapiObject as OpenApiDocument) : document.swaggerObject,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // No call to the public validator: the reference works, and stays quiet, without internet.
    uiConfig: { validatorUrl: null, deepLinking: true, docExpansion: 'list', tryItOutEnabled: false },
    theme: { title: 'Customer analytics API' },
    staticCSP:
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
  });
  app.get(
    '/openapi.json',
    {
      schema: {
        summary: 'This API as an OpenAPI 3 document',
        description: 'Generated at start-up from the schemas that validate requests; feed it to a client generator.',
        tags: [TAGS.operations.name],
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'an OpenAPI 3.0 document' }) },
      },
    },
    async () => app.swagger(),
  );
}
