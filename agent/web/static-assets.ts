import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError } from './web-errors.ts';

/**
 * Where the page's CSS and JS live: plain files, no build step. Found through `import.meta.url`
 * so that the package's bundle finds them in the app folder's `agent/web/assets/`.
 */
export function defaultAssetsDir(): string {
  return fileURLToPath(new URL('./assets/', import.meta.url));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Names an asset may have: no path, no dot files, a known type. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*\.(css|js|svg|png|ico)$/;

/**
 * The files under `assets/`, listed once at start. A request names one of them exactly; anything
 * else (another folder, a dot file, a traversal) is 404 without touching the file system.
 */
export class StaticAssets {
  private readonly versions = new Map<string, string>();

  constructor(private readonly dir: string = defaultAssetsDir()) {
    for (const name of readdirSync(dir)) {
      if (!NAME_PATTERN.test(name)) continue;
      const digest = createHash('sha256')
        .update(readFileSync(path.join(dir, name)))
        .digest('hex');
      this.versions.set(name, digest.slice(0, 16));
    }
  }

  /** The URL of an asset with its content version, so it can be cached for long. */
  url(name: string): string {
    const v = this.versions.get(name);
    return v ? `/assets/${name}?v=${v}` : `/assets/${name}`;
  }

  /** Serve `/assets/<name>` (GET or HEAD), with its type, ETag and cache headers. */
  async serve(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const version = NAME_PATTERN.test(name) ? this.versions.get(name) : undefined;
    if (!version) throw new NotFoundError();
    const etag = `"${version}"`;
    const headers = {
      'content-type': CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=86400',
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const body = await readFile(path.join(this.dir, name));
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
