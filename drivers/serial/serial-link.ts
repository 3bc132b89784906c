import { SerialPort } from 'serialport';
import { DeviceGoneError, DevicePermissionError } from '../errors.ts';

/**
 * A byte pipe to a recorder's command port. Real: serialport@13 on /dev/ttyACM* (or one end of a
 * pty pair in tests); twin: `createMemoryLinkPair` for unit tests.
 */
export interface SerialLink {
  /** The port's name for messages (`/dev/ttyACM0`). */
  readonly name: string;
  write(data: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once when the link closes, with the error when it was lost rather than closed. */
  onClose(listener: (err?: Error) => void): void;
  close(): Promise<void>;
}

/**
 * Why a port did not open. The binding reports only strerror's text: a refusal (EACCES, EPERM)
 * is a permission problem of this box, anything else means the port went away.
 */
export function serialOpenError(path: string, err: Error): Error {
  if (err.message.includes('Permission denied'))
    return new DevicePermissionError(path, 'EACCES', { cause: err });
  if (err.message.includes('Operation not permitted'))
    return new DevicePermissionError(path, 'EPERM', { cause: err });
  return new DeviceGoneError(path, `its port could not be opened: ${err.message}`, { cause: err });
}

/** Open a serial port through serialport@13, exclusively (`lock`), in raw 8N1. */
export async function openSerialLink(
  path: string,
  options: { readonly baudRate?: number } = {},
): Promise<SerialLink> {
  const port = new SerialPort({
    path,
    baudRate: options.baudRate ?? 115200,
    autoOpen: false,
    lock: true,
    hupcl: false,
  });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => (err ? reject(serialOpenError(path, err)) : resolve()));
  });
  const closeListeners: ((err?: Error) => void)[] = [];
  port.on('close', (err: Error | null) => {
    for (const l of closeListeners.splice(0)) l(err ?? undefined);
  });
  port.on('error', () => undefined);
  return {
    name: path,
    write: (data) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(data), (err) => {
          if (err)
            reject(new DeviceGoneError(path, `writing to its port failed: ${err.message}`, { cause: err }));
          else
            port.drain((e) =>
              e
                ? reject(new DeviceGoneError(path, `its port failed: ${e.message}`, { cause: e }))
                : resolve(),
            );
        });
      }),
    onData: (listener) => {
      port.on('data', (chunk: Buffer) => listener(chunk));
    },
    onClose: (listener) => {
      if (port.isOpen) closeListeners.push(listener);
      else listener();
    },
    close: () =>
      new Promise((resolve) => {
        if (!port.isOpen) resolve();
        else port.close(() => resolve());
      }),
  };
}
