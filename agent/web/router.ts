import type { Permission } from '../access/permissions.ts';
import { decodeSegment } from './request-input.ts';
import type { WebContext } from './web-context.ts';

/**
 * Who may use a route: anyone (`public`), any logged-in user (`user`), or a user whose role holds
 * one of the listed permissions.
 */
export type RouteAccess = 'public' | 'user' | { readonly anyOf: readonly Permission[] };

/** How a refusal looks: pages redirect to the login page and show 403 pages, APIs answer JSON. */
export type RouteKind = 'page' | 'api';

/** One route of the page. */
export interface Route {
  readonly method: 'GET' | 'POST';
  /** `/clips/:id/video`: `:name` matches one segment. */
  readonly path: string;
  readonly access: RouteAccess;
  readonly kind: RouteKind;
  readonly handler: (ctx: WebContext) => Promise<void> | void;
  /**
   * For forms: the page (path and query) that shows the form. A refused form (a DockError)
   * re-renders it with the error at the top; success redirects there with `done`.
   */
  readonly formPage?: (ctx: WebContext) => string;
}

/** A route that requires one permission. */
export function needs(...anyOf: Permission[]): RouteAccess {
  return { anyOf };
}

/** The result of matching a request against the table. */
export type RouteMatch =
  | { readonly route: Route; readonly params: Record<string, string> }
  | { readonly route: null; readonly allowed: readonly string[] };

function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | null {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const seg = segments[i] as string;
    if (part.startsWith(':')) {
      if (seg === '') return null;
      params[part.slice(1)] = decodeSegment(seg);
    } else if (part !== seg) {
      return null;
    }
  }
  return params;
}

/** Find the route for a method and path; HEAD is served by GET routes. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: readonly string[],
): RouteMatch {
  const wanted = method === 'HEAD' ? 'GET' : method;
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === wanted) return { route, params };
    allowed.push(route.method);
  }
  return { route: null, allowed };
}
