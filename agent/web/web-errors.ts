import { DockError } from '../errors.ts';

/** A request the page refuses with a given HTTP status and one sentence for the person. */
export class WebRequestError extends DockError {
  readonly status: number;
  /** True when the message is the generic one of the status: the page shows it translated. */
  readonly generic: boolean;
  constructor(status: number, message: string, generic = false) {
    super(`WEB_${status}`, message);
    this.status = status;
    this.generic = generic;
  }
}

/** 400: the request itself is malformed (a bad date, a bad path segment, a body too large …). */
export class BadRequestError extends WebRequestError {
  constructor(message: string) {
    super(400, message);
  }
}

/** 404: there is nothing at this address (or the user may not know that there is). */
export class NotFoundError extends WebRequestError {
  constructor(message?: string) {
    super(404, message ?? 'there is nothing at this address: go back and choose from the page', !message);
  }
}

/** 403: the user is logged in but may not do this, or the form did not come from this page. */
export class ForbiddenError extends WebRequestError {
  constructor(message?: string) {
    super(403, message ?? 'your account may not do this: ask the administrator if you need it', !message);
  }
}

/** 413: the form is larger than any form of this page. */
export class BodyTooLargeError extends WebRequestError {
  constructor(limit: number) {
    super(413, `the form is larger than ${limit} bytes: shorten the text and send it again`);
  }
}

/** The HTTP status for an error thrown while handling a request. */
export function statusOf(err: unknown): number {
  if (err instanceof WebRequestError) return err.status;
  if (err instanceof DockError) return 400;
  return 500;
}
