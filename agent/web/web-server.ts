import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AccountService } from '../access/accounts.ts';
import { SessionManager } from '../access/web-sessions.ts';
import { createExport } from '../export/export-service.ts';
import { ClipChecks } from './clip-checks.ts';
import { ExportJobs } from './export-jobs.ts';
import { handleRequest } from './request-pipeline.ts';
import { StaticAssets } from './static-assets.ts';
import type { WebDeps, WebRuntime } from './web-context.ts';
import { WEB_ROUTES } from './web-routes.ts';

export type { WebDeps } from './web-context.ts';

/** The running page. */
export interface WebServer {
  /** `http://127.0.0.1:8443` or `https://…`: the address it listens on. */
  readonly url: string;
  /** Stop listening, end open connections, and wait for export packages being written. */
  close(): Promise<void>;
}

function runtimeOf(deps: WebDeps, assets: StaticAssets): WebRuntime {
  const { ledger, now } = deps;
  return {
    ...deps,
    accounts: deps.accounts ?? new AccountService({ ledger, now, logger: deps.logger }),
    sessions:
      deps.sessions ??
      new SessionManager({
        ledger,
        now,
        ...(deps.sessionIdleMinutes === undefined ? {} : { idleMinutes: deps.sessionIdleMinutes }),
      }),
    exportJobs: new ExportJobs(
      (input, onProgress) =>
        createExport(
          {
            ledger,
            exportsDir: deps.exportsDir,
            vaultDir: deps.paths.vaultDir,
            now,
            ensureLocal: (sha256) => deps.lifecycle?.fetchBack.ensureLocal(sha256) ?? Promise.resolve(),
          },
          input,
          onProgress,
        ),
      deps.logger,
      now,
    ),
    clipChecks: new ClipChecks(ledger, deps.paths.vaultDir, deps.logger),
    assetUrl: (name) => assets.url(name),
  };
}

function urlOf(address: AddressInfo, secure: boolean): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${secure ? 'https' : 'http'}://${host}:${address.port}`;
}

/**
 * Start the equipment manager's page (HTTPS when `tls` is given): server-rendered pages and
 * forms, a small live-update script, everything served by the dock itself.
 */
export async function startWebServer(deps: WebDeps): Promise<WebServer> {
  const assets = new StaticAssets();
  const rt = runtimeOf(deps, assets);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(rt, WEB_ROUTES, assets, req, res).catch((err: unknown) => {
      deps.logger.error({ err }, 'web request failed outside its handler');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      } else {
        res.destroy();
      }
    });
  };
  const server: Server = deps.tls
    ? createHttpsServer({ cert: deps.tls.cert, key: deps.tls.key }, onRequest)
    : createHttpServer(onRequest);
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.listen.port, deps.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = urlOf(server.address() as AddressInfo, Boolean(deps.tls));
  deps.logger.info({ url }, 'web page listening');
  return {
    url,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await Promise.all([rt.exportJobs.idle(), rt.clipChecks.idle()]);
    },
  };
}
