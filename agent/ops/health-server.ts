import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';

/** Whether the dock can accept recorders now, and if not, why (one short sentence each). */
export interface Readiness {
  readonly ready: boolean;
  readonly reasons: readonly string[];
}

/** One named readiness fact (ledger open, watchers running, disk not full …). */
export interface ReadinessPart {
  readonly name: string;
  /** null when fine, else why not, as a sentence for the monitoring screen. */
  check(): string | null | Promise<string | null>;
}

/** Readiness from several parts: ready only when every part is. A part that throws is not ready. */
export function combineReadiness(parts: readonly ReadinessPart[]): () => Promise<Readiness> {
  return async () => {
    const reasons: string[] = [];
    for (const part of parts) {
      try {
        const reason = await part.check();
        if (reason !== null) reasons.push(`${part.name}: ${reason}`);
      } catch (err) {
        reasons.push(`${part.name}: ${(err as Error).message ?? String(err)}`);
      }
    }
    return { ready: reasons.length === 0, reasons };
  };
}

/** How the health server runs. */
export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  readonly readiness: () => Readiness | Promise<Readiness>;
  readonly log: Logger;
  readonly version?: string;
  readonly now?: () => Date;
}

function send(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

/**
 * `/healthz` (the process is alive and its event loop answers) and `/readyz` (ready to accept
 * recorders: 200, else 503 with the reasons) on node:http, for monitoring. GET and HEAD only;
 * small timeouts so a stuck client cannot hold a socket.
 */
export class HealthServer {
  private server: Server | null = null;
  private readonly startedAt: Date;

  constructor(private readonly opts: HealthServerOptions) {
    this.startedAt = (opts.now ?? (() => new Date()))();
  }

  /** Listen; resolves with the bound address (port 0 picks a free one). */
  async start(): Promise<AddressInfo> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.opts.log.error({ err }, 'health request failed');
        if (!res.headersSent) send(res, 500, { status: 'error' }, false);
      });
    });
    server.requestTimeout = 5000;
    server.headersTimeout = 5000;
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    this.opts.log.info({ host: address.address, port: address.port }, 'health endpoints listening');
    return address;
  }

  /** Stop listening and close open connections. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, { status: 'method-not-allowed' }, false);
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const now = (this.opts.now ?? (() => new Date()))();
      const uptimeSeconds = Math.round((now.getTime() - this.startedAt.getTime()) / 1000);
      send(res, 200, { status: 'alive', version: this.opts.version ?? null, uptimeSeconds }, head);
      return;
    }
    if (path === '/readyz') {
      const r = await this.opts.readiness();
      send(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not-ready', reasons: r.reasons }, head);
      return;
    }
    send(res, 404, { status: 'not-found', endpoints: ['/healthz', '/readyz'] }, head);
  }
}
