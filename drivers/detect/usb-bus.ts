import { existsSync } from 'node:fs';

/** Where the kernel lists USB buses; absent on machines without USB (VMs, containers). */
export const DEFAULT_SYS_BUS_USB = '/sys/bus/usb';

/** The sentence shown when the machine has no USB bus. */
export function noUsbBusDetail(sysBusUsb: string): string {
  return `this machine has no USB bus (${sysBusUsb} is missing): recorders cannot be detected over USB; run on the docking box or attach a USB controller`;
}

/** True when the kernel exposes a USB bus at `sysBusUsb`. */
export function usbBusPresent(sysBusUsb: string = DEFAULT_SYS_BUS_USB): boolean {
  return existsSync(sysBusUsb);
}
