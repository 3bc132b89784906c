import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AccountService } from '../access/accounts.ts';
import { can, type Permission } from '../access/permissions.ts';
import type { SessionManager } from '../access/web-sessions.ts';
import type { LiveDockView } from '../dock/live-view.ts';
import type { AccountRecord } from '../ledger/access-records.ts';
import type { Ledger } from '../ledger/ledger.ts';
import type { Lifecycle } from '../lifecycle/lifecycle-setup.ts';
import type { DockPaths } from '../paths.ts';
import type { ClipChecks } from './clip-checks.ts';
import type { ExportJobs } from './export-jobs.ts';
import type { Translate, WebLang } from './i18n/messages.ts';

/** What the page needs from dockd. */
export interface WebDeps {
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly now: () => Date;
  /** What the dock is doing now (agent/dock/live-view.ts). */
  readonly live: () => LiveDockView;
  /** `vaultDir` is where clips are streamed from. */
  readonly paths: DockPaths;
  readonly exportsDir: string;
  /** The dock's time zone, e.g. 'Asia/Shanghai': dates on the page and in files. */
  readonly timeZone: string;
  /** Port 0 picks a free port (tests). */
  readonly listen: { host: string; port: number };
  /** HTTPS when given. */
  readonly tls?: { cert: Buffer; key: Buffer } | null;
  /** Default: built from the ledger. */
  readonly accounts?: AccountService;
  readonly sessions?: SessionManager;
  /** Idle lifetime of a login for the default SessionManager (default 30 minutes). */
  readonly sessionIdleMinutes?: number;
  /** The dock re-checks a recorder it held once the manager decided. */
  readonly onRecorderDecision?: (serial: string, decision: 'accept' | 'reject') => void;
  /** Off-site copies, retention, holds, purges and space (issue 15); none: those parts are not shown. */
  readonly lifecycle?: Lifecycle;
}

/** The dependencies with the defaults filled in, plus what the server itself keeps. */
export interface WebRuntime extends WebDeps {
  readonly accounts: AccountService;
  readonly sessions: SessionManager;
  readonly exportJobs: ExportJobs;
  readonly clipChecks: ClipChecks;
  /** `/assets/<name>?v=<hash>` of each asset, for cache busting. */
  readonly assetUrl: (name: string) => string;
}

/** The logged-in user of a request. */
export interface WebUser {
  readonly account: AccountRecord;
  readonly csrfToken: string;
  readonly token: string;
}

/** Everything a route handler gets. Handlers write the response through `responses.ts`. */
export interface WebContext {
  readonly rt: WebRuntime;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The path as requested (no query), checked for traversal. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Decoded and checked `:name` segments of the route. */
  readonly params: Readonly<Record<string, string>>;
  readonly lang: WebLang;
  readonly t: Translate;
  readonly user: WebUser | null;
  /** The parsed form of a POST. */
  readonly form: URLSearchParams;
  /** An error to show at the top of the page (a refused form re-renders its page with it). */
  readonly flashError: string | null;
  /** The route pattern, for logs. */
  readonly route: string;
}

/** The user of a route that requires login (the router guarantees it). */
export function userOf(ctx: WebContext): WebUser {
  if (!ctx.user) throw new Error('route handler ran without a logged-in user');
  return ctx.user;
}

/** Whether the request's user holds a permission (false when nobody is logged in). */
export function userCan(ctx: WebContext, p: Permission): boolean {
  return ctx.user !== null && can(ctx.user.account.role, p);
}
