/**
 * Base of every typed error in recorder-dock. `code` is stable and machine-readable;
 * `message` is one sentence for a person: what went wrong, naming the thing, and what to do.
 */
export class DockError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `err` is a DockError (or subclass) carrying the given code, if one is given. */
export function isDockError(err: unknown, code?: string): err is DockError {
  return err instanceof DockError && (code === undefined || err.code === code);
}

/** The errno code of a Node system error (`ENOENT`, `EIO`, …), or undefined. */
export function errnoCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
