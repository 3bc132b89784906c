import type { QmpClient } from './qmp-client.ts';
import type { Stick } from './stick-images.ts';

/**
 * Recorders docked and pulled through QMP. QEMU's emulated devices have fixed ids (storage
 * 46f4:0001, serial 0403:6001); only the USB serial is ours to set. `device_del` is a surprise
 * removal, exactly a recorder pulled out of the dock.
 */
export class UsbPlugs {
  private readonly kinds = new Map<string, 'stick' | 'serial'>();

  constructor(private readonly qmp: QmpClient) {}

  /** Dock a card as a USB stick with its serial. */
  async plugStick(id: string, stick: Stick): Promise<void> {
    await this.qmp.execute('blockdev-add', {
      'node-name': `${id}-disk`,
      driver: 'raw',
      file: { driver: 'file', filename: stick.image },
    });
    await this.qmp.execute('device_add', {
      driver: 'usb-storage',
      id,
      bus: 'xhci.0',
      drive: `${id}-disk`,
      serial: stick.serial,
      removable: true,
    });
    this.kinds.set(id, 'stick');
  }

  /** Dock a serial recorder: QEMU's FTDI bridge whose other end is the socket `firmware` listens on. */
  async plugSerial(id: string, serial: string, firmwareSocket: string): Promise<void> {
    await this.qmp.execute('chardev-add', {
      id: `${id}-chr`,
      backend: {
        type: 'socket',
        data: { addr: { type: 'unix', data: { path: firmwareSocket } }, server: false },
      },
    });
    await this.qmp.execute('device_add', {
      driver: 'usb-serial',
      id,
      bus: 'xhci.0',
      chardev: `${id}-chr`,
      serial,
    });
    this.kinds.set(id, 'serial');
  }

  /** Pull a device out and wait until QEMU says it is gone, then free its backend. */
  async unplug(id: string, timeoutMs = 30_000): Promise<void> {
    const deleted = this.qmp.waitEvent('DEVICE_DELETED', (e) => e.data.device === id, timeoutMs);
    await this.qmp.execute('device_del', { id });
    await deleted;
    const kind = this.kinds.get(id);
    this.kinds.delete(id);
    if (kind === 'stick') await this.qmp.execute('blockdev-del', { 'node-name': `${id}-disk` });
    if (kind === 'serial') await this.qmp.execute('chardev-remove', { id: `${id}-chr` });
  }

  /** Whether a device is docked now. */
  plugged(id: string): boolean {
    return this.kinds.has(id);
  }
}
