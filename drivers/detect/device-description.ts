import type { DeviceDescription, Transport, UsbIdentity } from '../contract/ports.ts';
import type { RawDeviceEvent } from './event-source.ts';
import { decodeUdevEnc } from './udev-parser.ts';

const PORT_SEGMENT = /^\d{1,3}-\d{1,3}(\.\d{1,3}){0,6}$/;
/** Device strings longer than a USB descriptor can hold are cut. */
const MAX_STRING = 126;

/** The physical USB port (`1-2.3`) from a kernel device path, or null. */
export function portPathFromDevpath(devpath: string): string | null {
  const segments = devpath.split('/').filter((s) => PORT_SEGMENT.test(s));
  return segments.at(-1) ?? null;
}

function hex4(value: string | undefined): string | null {
  if (value === undefined || !/^[0-9a-fA-F]{1,4}$/.test(value)) return null;
  return value.toLowerCase().padStart(4, '0');
}

function text(props: ReadonlyMap<string, string>, enc: string, plain: string): string | null {
  const encoded = props.get(enc);
  const value = encoded !== undefined ? decodeUdevEnc(encoded) : props.get(plain)?.replace(/_/g, ' ').trim();
  return value ? value.slice(0, MAX_STRING) : null;
}

/** USB ids and strings from udev properties; PRODUCT (`vid/pid/bcd`) is the fallback for ids. */
export function usbIdentityFromProps(props: ReadonlyMap<string, string>): UsbIdentity | null {
  const product = (props.get('PRODUCT') ?? '').split('/');
  const vendorId = hex4(props.get('ID_VENDOR_ID')) ?? hex4(product[0]);
  const productId = hex4(props.get('ID_MODEL_ID')) ?? hex4(product[1]);
  if (vendorId === null || productId === null) return null;
  const serial = props.get('ID_SERIAL_SHORT');
  return {
    vendorId,
    productId,
    manufacturer: text(props, 'ID_VENDOR_ENC', 'ID_VENDOR'),
    product: text(props, 'ID_MODEL_ENC', 'ID_MODEL'),
    serial: serial ? serial.slice(0, MAX_STRING) : null,
  };
}

/** A key fragment safe in file names and logs. */
export function keyFragment(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
}

/** `transport:vid:pid:serial-or-port`, the stable device key. */
export function deviceKey(
  transport: Transport,
  usb: UsbIdentity,
  portPath: string | null,
  suffix = '',
): string {
  const who = usb.serial ? keyFragment(usb.serial) : `port-${portPath ?? 'unknown'}`;
  return `${transport}:${usb.vendorId}:${usb.productId}:${who}${suffix}`;
}

function transportOf(ev: RawDeviceEvent): Transport | null {
  const p = ev.props;
  if (ev.subsystem === 'usb') return ev.devtype === 'usb_device' ? 'usb' : null;
  if (p.get('ID_BUS') !== 'usb' && !p.has('ID_VENDOR_ID')) return null;
  if (ev.subsystem === 'tty') return 'tty';
  if (ev.subsystem === 'block' && p.get('ID_FS_USAGE') === 'filesystem' && p.has('ID_FS_TYPE'))
    return 'block';
  return null;
}

function keySuffix(transport: Transport, props: ReadonlyMap<string, string>): string {
  if (transport === 'block')
    return props.has('PARTN') ? `:p${keyFragment(props.get('PARTN') ?? '')}` : ':disk';
  if (transport === 'tty') return `:if${keyFragment(props.get('ID_USB_INTERFACE_NUM') ?? '00')}`;
  return '';
}

/**
 * Describe a udev-level event: a USB device, a USB tty, or a USB block device carrying a file
 * system. Anything else (hubs, interfaces, partition tables, non-USB disks) gives null.
 */
export function describeRawEvent(ev: RawDeviceEvent): DeviceDescription | null {
  const transport = transportOf(ev);
  if (transport === null) return null;
  const usb = usbIdentityFromProps(ev.props);
  if (usb === null) return null;
  const portPath = portPathFromDevpath(ev.devpath);
  const p = ev.props;
  return {
    key: deviceKey(transport, usb, portPath, keySuffix(transport, p)),
    transport,
    devNode: transport === 'usb' ? null : (p.get('DEVNAME') ?? null),
    usb,
    portPath,
    fsType: transport === 'block' ? (p.get('ID_FS_TYPE') ?? null) : null,
    fsLabel: transport === 'block' ? (text(p, 'ID_FS_LABEL_ENC', 'ID_FS_LABEL') ?? null) : null,
    fsUuid: transport === 'block' ? (p.get('ID_FS_UUID') ?? null) : null,
  };
}
