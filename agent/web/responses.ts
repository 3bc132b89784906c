import type { ServerResponse } from 'node:http';
import type { SafeHtml } from './html.ts';

/**
 * Every response of the page carries these. No inline script or style anywhere, nothing from
 * another origin, never framed.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Set the security headers (first thing for every request). */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** Send a whole HTML page; pages are never cached. */
export function sendHtml(res: ServerResponse, status: number, page: SafeHtml): void {
  const body = Buffer.from(`<!doctype html>\n${page.text}`, 'utf8');
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Send JSON (the page's small APIs); never cached. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Redirect with 303 (after a form, and to the login page). `location` is a local path. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback name and the real name in RFC 5987
 * form. Both are reduced to safe characters, so no header injection or path can get through.
 */
export function attachmentDisposition(asciiName: string, utf8Name: string = asciiName): string {
  const ascii = asciiName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'download';
  const clean = utf8Name.replace(/[\p{Cc}/\\"]/gu, '_');
  const encoded = encodeURIComponent(clean).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Headers of a file download (never cached: footage and ledgers are not kept by proxies or the browser). */
export function downloadHeaders(
  contentType: string,
  asciiName: string,
  utf8Name?: string,
  length?: number,
): Record<string, string | number> {
  return {
    'content-type': contentType,
    'content-disposition': attachmentDisposition(asciiName, utf8Name),
    'cache-control': 'no-store',
    ...(length === undefined ? {} : { 'content-length': length }),
  };
}
