/**
 * The error vocabulary shared by the dock core and the hardware drivers. Part of the contract
 * floor: imports nothing from agent/ or from any driver implementation.
 */

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

/**
 * errno codes that mean the device itself is gone. EIO is not among them: a bad sector on one
 * file gives EIO while the recorder is still there, so EIO fails that file only, and the dock
 * asks the watcher whether the device left.
 */
export const DEVICE_GONE_ERRNOS: ReadonlySet<string> = new Set([
  'ENODEV',
  'ENXIO',
  'ENOTCONN',
  'ESHUTDOWN',
  'ENOMEDIUM',
]);

/**
 * Codes of a failed recorder-file delete that prove the file was not deleted: refused before the
 * unlink (changed since its seal, an unsafe path, a mount the helper does not own, a driver that
 * cannot delete) or the unlink refused by the kernel. After any other failure (the helper's
 * connection lost, the volume not returned to read-only) the file may be gone or not.
 */
const DELETE_REFUSED_CODES: ReadonlySet<string> = new Set([
  'FILE_CHANGED',
  'UNSAFE_ENTRY',
  'MOUNT_REFUSED',
  'MOUNT_NOT_FOUND',
  'UNSUPPORTED_OPERATION',
  'EROFS',
  'EACCES',
  'EPERM',
]);

/** True when a failed deleteFile proves the file is still on the recorder (see the codes above). */
export function isDeleteRefused(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && DELETE_REFUSED_CODES.has(code);
}

/** The recorder went away (unplugged, re-enumerated, powered off) while we were talking to it. */
export class DeviceGoneError extends DockError {
  constructor(device: string, detail: string, options?: { cause?: unknown }) {
    super('DEVICE_GONE', `the recorder ${device} is gone (${detail}): dock it again to resume`, options);
  }
}

/** A recorder file could not be read further because the device is gone (ENODEV, ENXIO …). */
export class SourceGoneError extends DockError {
  readonly position: number;
  constructor(sourcePath: string, position: number, cause: unknown) {
    super(
      'SOURCE_GONE',
      `the recorder file ${sourcePath} could not be read at byte ${position} (${errnoCode(cause) ?? 'error'}): the recorder was unplugged; dock it again to resume`,
      { cause },
    );
    this.position = position;
  }
}

/**
 * Reading one recorder file failed (EIO: a bad sector or a failing card) while the device may
 * still be there. The file is not sealed and never wiped; the other files go on.
 */
export class SourceReadError extends DockError {
  readonly position: number;
  constructor(sourcePath: string, position: number, cause: unknown) {
    super(
      'SOURCE_READ_FAILED',
      `the recorder file ${sourcePath} could not be read at byte ${position} (${errnoCode(cause) ?? 'error'}): it stays on the recorder; if it keeps failing, report a fault for this recorder (R8)`,
      { cause },
    );
    this.position = position;
  }
}

/** A recorder file could not be opened for lack of permission. */
export class SourcePermissionError extends DockError {
  constructor(sourcePath: string, cause: unknown) {
    super(
      'SOURCE_PERMISSION',
      `the recorder file ${sourcePath} cannot be read (permission denied): check the mount options and the service user's groups`,
      { cause },
    );
  }
}

/** The file is not there when it is opened (a listing that went stale, or a mistyped name). */
export class SourceMissingError extends DockError {
  constructor(sourcePath: string, cause: unknown) {
    super(
      'SOURCE_MISSING',
      `the file ${sourcePath} does not exist: check the name, or list the recorder again`,
      { cause },
    );
  }
}

/** A read error on a recorder file, typed by what it means: the device gone, or this file bad. */
export function sourceReadFailure(sourcePath: string, position: number, cause: unknown): DockError {
  const code = errnoCode(cause);
  return code !== undefined && DEVICE_GONE_ERRNOS.has(code)
    ? new SourceGoneError(sourcePath, position, cause)
    : new SourceReadError(sourcePath, position, cause);
}

/**
 * The one test for "the recorder is gone": a DeviceGoneError or SourceGoneError, or a system
 * error whose errno says the device is gone. Every layer uses this guard.
 */
export function isDeviceGone(err: unknown): boolean {
  if (err instanceof DeviceGoneError || err instanceof SourceGoneError) return true;
  const code = errnoCode(err);
  return (
    code === 'DEVICE_GONE' || code === 'SOURCE_GONE' || (code !== undefined && DEVICE_GONE_ERRNOS.has(code))
  );
}
