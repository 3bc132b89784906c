import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { SerialLink } from '../../drivers/serial/serial-link.ts';
import type { SimDeviceModel } from '../../drivers/sim/device-model.ts';
import { SimFirmware } from '../../drivers/sim/sim-firmware.ts';

/** A socket as the firmware's end of the command channel. */
function socketLink(socket: Socket, name: string): SerialLink {
  return {
    name,
    write: (data) =>
      new Promise((resolve, reject) =>
        socket.write(Buffer.from(data), (err) => (err ? reject(err) : resolve())),
      ),
    onData: (listener) => {
      socket.on('data', (chunk: Buffer) => listener(chunk));
    },
    onClose: (listener) => {
      if (socket.destroyed) listener();
      else socket.once('close', () => listener());
    },
    close: async () => {
      socket.destroy();
    },
  };
}

/**
 * The recorder's firmware, played by the host: drivers/serial/PROTOCOL.md spoken by the
 * simulator's firmware (drivers/sim/sim-firmware.ts) on a unix socket that QEMU's usb-serial
 * chardev (or a gadget's relayed ACM port) connects to. On MSDC the recorder leaves the channel:
 * `onMassStorage` then unplugs the serial device and docks its card with the same USB serial.
 */
export class FirmwarePlayer {
  /** Commands the dock sent, in order. */
  readonly received: string[] = [];
  private firmware: SimFirmware | null = null;

  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
  ) {}

  /** Listen on `socketPath`; each connection gets the firmware of `model`. */
  static async listen(
    socketPath: string,
    model: SimDeviceModel,
    onMassStorage: () => void,
    now: () => Date = () => new Date(),
  ): Promise<FirmwarePlayer> {
    await rm(socketPath, { force: true });
    const server = createServer();
    const player = new FirmwarePlayer(server, socketPath);
    server.on('connection', (socket: Socket) => {
      socket.on('error', () => undefined);
      player.firmware = new SimFirmware(socketLink(socket, socketPath), model, { now, onMassStorage });
    });
    server.listen(socketPath);
    await once(server, 'listening');
    return player;
  }

  /** Commands the firmware answered so far. */
  commands(): readonly string[] {
    return this.firmware?.received ?? [];
  }

  /** Stop listening. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }
}
