import { DockError } from './contract/errors.ts';

export { DeviceGoneError } from './contract/errors.ts';

/**
 * Typed errors raised by drivers/. A recorder is hostile input, so every error names the device
 * or the thing it handed us and says what to do next. No message ever carries the SDK password or
 * an officer's name.
 */

/**
 * The service may not open the recorder's device node: EACCES (udev did not give it to the
 * service's group: the model's rules are missing) or EPERM (the unit's device policy left its
 * class out). The recorder is there; docking it again will not help until the box is fixed.
 */
export class DevicePermissionError extends DockError {
  readonly errno: 'EACCES' | 'EPERM';
  constructor(device: string, errno: 'EACCES' | 'EPERM', options?: { cause?: unknown }) {
    super(
      'DEVICE_PERMISSION',
      errno === 'EACCES'
        ? `the service may not open the recorder's port ${device} (EACCES): install the udev rules for its model ('dockctl udev-rules --site', see 'dockctl doctor'), then dock it again`
        : `the service's device policy refuses the recorder's port ${device} (EPERM): load its kernel module ('systemctl restart systemd-modules-load'), restart the service, then dock it again`,
      options,
    );
    this.errno = errno;
  }
}

/** A GA SDK function returned 0 (failure); `iRet` is the vendor's code. */
export class SdkError extends DockError {
  readonly fn: string;
  readonly iRet: number;
  constructor(fn: string, iRet: number, device: string) {
    super(
      'SDK_CALL_FAILED',
      `the vendor SDK call ${fn} failed on recorder ${device} with code ${iRet}: check the device password and the vendor's code list, then dock it again`,
    );
    this.fn = fn;
    this.iRet = iRet;
  }
}

/** A GA SDK call did not return in time; the library is left alone until it does. */
export class SdkTimeoutError extends DockError {
  constructor(fn: string, timeoutMs: number) {
    super(
      'SDK_TIMEOUT',
      `the vendor SDK call ${fn} did not return within ${timeoutMs} ms: unplug the recorder; if it keeps happening, restart the service`,
    );
  }
}

/** The vendor library could not be loaded or lacks one of the standard functions. */
export class SdkLoadError extends DockError {
  constructor(libraryPath: string, detail: string, options?: { cause?: unknown }) {
    super(
      'SDK_LOAD_FAILED',
      `the vendor SDK library ${libraryPath} could not be used (${detail}): check gaSdk.libraryPath in the config and that the file is the vendor's Linux build for this machine`,
      options,
    );
  }
}

/** Bytes from the device are not valid GBK text. */
export class GbkDecodeError extends DockError {
  readonly field: string;
  constructor(field: string, device: string) {
    super(
      'GBK_DECODE_FAILED',
      `the recorder ${device} sent a ${field} that is not valid GBK text: rewrite the device information with the vendor tool, then dock it again`,
    );
    this.field = field;
  }
}

/** A device answer is well-formed but its content is not acceptable (range, characters, length). */
export class InvalidDeviceDataError extends DockError {
  readonly field: string;
  constructor(field: string, device: string, detail: string) {
    super(
      'DEVICE_DATA_INVALID',
      `the recorder ${device} sent an unusable ${field} (${detail}): check the device with the vendor tool before docking it again`,
    );
    this.field = field;
  }
}

/** Text that must go to the device cannot be encoded or does not fit its field. */
export class TextEncodeError extends DockError {
  constructor(field: string, detail: string) {
    super(
      'TEXT_ENCODE_FAILED',
      `the ${field} cannot be written to the recorder (${detail}): shorten or correct it`,
    );
  }
}

/** What we read back after a write differs from what we wrote or from what was there before. */
export class IdentityMismatchError extends DockError {
  readonly fields: readonly string[];
  constructor(device: string, after: string, fields: readonly string[]) {
    super(
      'IDENTITY_MISMATCH',
      `the recorder ${device} reported different ${fields.join(', ')} after ${after}: take it out of service and report a fault (R8)`,
    );
    this.fields = fields;
  }
}

/** The serial peer broke the framed protocol (bad frame, unexpected answer, device error). */
export class ProtocolError extends DockError {
  readonly deviceCode: string | undefined;
  constructor(port: string, detail: string, deviceCode?: string) {
    super(
      'SERIAL_PROTOCOL',
      `the recorder on ${port} broke the command protocol (${detail}): unplug it and dock it again; if it repeats, report a fault`,
    );
    this.deviceCode = deviceCode;
  }
}

/** No valid answer on the serial channel after every retry. */
export class SerialTimeoutError extends DockError {
  constructor(port: string, command: string, attempts: number) {
    super(
      'SERIAL_TIMEOUT',
      `the recorder on ${port} did not answer ${command} after ${attempts} attempts: check the cable and that the port is not used by another program`,
    );
  }
}

/** A name or path from the recorder's volume is unsafe to use (escape, control chars, links). */
export class UnsafeEntryError extends DockError {
  readonly reason: string;
  constructor(entry: string, reason: string) {
    super(
      'UNSAFE_ENTRY',
      `the recorder entry ${JSON.stringify(entry)} is refused (${reason}): it is left on the device untouched`,
    );
    this.reason = reason;
  }
}

/**
 * A recorder file is not deleted because it is no longer the file the seal saw: its size or
 * modification time differ. It stays on the recorder; the next dock seals it again.
 */
export class FileChangedError extends DockError {
  constructor(relPath: string, difference: string) {
    super(
      'FILE_CHANGED',
      `the recorder file ${JSON.stringify(relPath)} is not deleted: it changed since it was sealed (${difference}); it stays on the recorder and the next dock copies and seals it again before any delete`,
    );
  }
}

/** mount, umount or blockdev failed, or the mount does not carry the options we asked for. */
export class MountError extends DockError {
  constructor(what: string, detail: string, options?: { cause?: unknown }) {
    super(
      'MOUNT_FAILED',
      `${what} failed (${detail}): check the recorder's file system and the service's privileges`,
      options,
    );
  }
}

/** Debian packages of the host tools drivers/ runs, for the error message. */
const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  udevadm: 'udev',
  mount: 'mount',
  umount: 'mount',
  blockdev: 'util-linux',
  losetup: 'mount',
  socat: 'socat',
  gcc: 'gcc',
  ffmpeg: 'ffmpeg',
  mkfifo: 'coreutils',
  mknod: 'coreutils',
};

/** A required host tool (udevadm, mount, socat, gcc, ffmpeg) is not installed. */
export class ToolMissingError extends DockError {
  readonly tool: string;
  constructor(tool: string) {
    const pkg = TOOL_PACKAGES[tool.split('/').at(-1) ?? tool];
    super(
      'TOOL_MISSING',
      `the program ${tool} is not installed or not on PATH: install ${pkg ? `the Debian package ${pkg}` : 'it'} and restart`,
    );
    this.tool = tool;
  }
}

/** The driver cannot do this on this kind of recorder. */
export class UnsupportedOperationError extends DockError {
  constructor(driver: string, operation: string, hint: string) {
    super('UNSUPPORTED_OPERATION', `the ${driver} driver cannot ${operation}: ${hint}`);
  }
}

/** The fingerprint table (built in or from the site config) does not match its schema. */
export class FingerprintTableError extends DockError {
  readonly problems: readonly string[];
  constructor(source: string, problems: readonly string[]) {
    super(
      'FINGERPRINTS_INVALID',
      `the recorder fingerprint table from ${source} is invalid (${problems.join('; ')}): fix those entries and restart`,
    );
    this.problems = problems;
  }
}
