// Which methods each path of the app answers, collected as routes are added, so that a known path asked with
// another method is a 405 with an Allow header (as HTTP asks) rather than a 404. Never answers a request.
import type { FastifyInstance, RouteOptions } from 'fastify';

interface PathMethods {
  /** The route's URL as a pattern: `:name` matches one segment, `*` the rest. */
  pattern: RegExp;
  methods: Set<string>;
}

function patternOf(url: string): RegExp {
  const parts = url.split(/(:\w+(?:\([^)]*\))?|\*)/).map((part, index) => {
    if (index % 2 === 0) return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    return part === '*' ? '.*' : '[^/]+';
  });
  return new RegExp(`^${parts.join('')}$`);
}

export class RouteMethods {
  readonly #paths = new Map<string, PathMethods>();

  /** Starts collecting: call before the routes are registered (onRoute sees the routes added after it). */
  constructor(app: FastifyInstance) {
    app.addHook('onRoute', (route: RouteOptions) => {
      const entry = this.#paths.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
      for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
      this.#paths.set(route.url, entry);
    });
  }

  /** The methods the path of `url` (its query string aside) answers, in a stable order; empty for an unknown path. */
  allowed(url: string): string[] {
    const path = url.split('?')[0]!;
    const methods = new Set<string>();
    for (const { pattern, methods: known } of this.#paths.values()) {
      if (pattern.test(path)) for (const method of known) methods.add(method);
    }
    return [...methods].sort();
  }
}
