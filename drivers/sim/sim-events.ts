import type { RawDeviceEvent } from '../detect/event-source.ts';

/** The USB face a simulated recorder shows: ids and strings. */
export interface SimUsbFace {
  readonly vendorId: string;
  readonly productId: string;
  readonly manufacturer: string;
  readonly product: string;
  readonly serial: string;
}

const SIM_BUS = 9;

/** The kernel port path of a simulated port (`9-3`). */
export function simPortPath(port: number): string {
  return `${SIM_BUS}-${port}`;
}

function usbProps(face: SimUsbFace): [string, string][] {
  return [
    ['ID_BUS', 'usb'],
    ['ID_VENDOR_ID', face.vendorId],
    ['ID_MODEL_ID', face.productId],
    ['ID_VENDOR', face.manufacturer.replace(/\s/g, '_')],
    ['ID_MODEL', face.product.replace(/\s/g, '_')],
    ['ID_SERIAL_SHORT', face.serial],
  ];
}

const base = (port: number) => `/devices/sim/usb${SIM_BUS}/${simPortPath(port)}`;

/** A udev-shaped event for the bare USB device. */
export function usbDeviceEvent(action: 'add' | 'remove', port: number, face: SimUsbFace): RawDeviceEvent {
  const devpath = base(port);
  const props = new Map<string, string>([
    ['ACTION', action],
    ['DEVPATH', devpath],
    ['SUBSYSTEM', 'usb'],
    ['DEVTYPE', 'usb_device'],
    ['DEVNAME', `/dev/bus/usb/00${SIM_BUS}/${String(port).padStart(3, '0')}`],
    ...usbProps(face),
  ]);
  return { action, devpath, subsystem: 'usb', devtype: 'usb_device', props };
}

/** A udev-shaped event for the CDC-ACM tty (its DEVNAME is the pty the host opens). */
export function ttyEvent(
  action: 'add' | 'remove',
  port: number,
  face: SimUsbFace,
  devName: string,
): RawDeviceEvent {
  const devpath = `${base(port)}/${simPortPath(port)}:1.0/tty/ttyACM${port}`;
  const props = new Map<string, string>([
    ['ACTION', action],
    ['DEVPATH', devpath],
    ['SUBSYSTEM', 'tty'],
    ['DEVNAME', devName],
    ['ID_USB_INTERFACE_NUM', '00'],
    ['ID_USB_DRIVER', 'cdc_acm'],
    ...usbProps(face),
  ]);
  return { action, devpath, subsystem: 'tty', devtype: null, props };
}

/** A udev-shaped event for the recorder's disk, a FAT32 volume without a partition table. */
export function diskEvent(
  action: 'add' | 'remove',
  port: number,
  face: SimUsbFace,
  disk: { readonly devName: string; readonly label: string; readonly uuid: string; readonly fsType?: string },
): RawDeviceEvent {
  const devpath = `${base(port)}/${simPortPath(port)}:1.0/host${port}/target${port}:0:0/${port}:0:0:0/block/${disk.devName.replace(/^\/dev\//, '')}`;
  const props = new Map<string, string>([
    ['ACTION', action],
    ['DEVPATH', devpath],
    ['SUBSYSTEM', 'block'],
    ['DEVTYPE', 'disk'],
    ['DEVNAME', disk.devName],
    ['ID_FS_USAGE', 'filesystem'],
    ['ID_FS_TYPE', disk.fsType ?? 'vfat'],
    ['ID_FS_VERSION', 'FAT32'],
    ['ID_FS_LABEL', disk.label],
    ['ID_FS_UUID', disk.uuid],
    ['ID_USB_DRIVER', 'usb-storage'],
    ...usbProps(face),
  ]);
  return { action, devpath, subsystem: 'block', devtype: 'disk', props };
}
