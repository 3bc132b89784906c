import type { FingerprintEntry } from '../../drivers/contract/fingerprints.ts';

/** The service's user and group (systemd/recorder-dock.sysusers). */
export const SERVICE_GROUP = 'recorder-dock';

/** The udev tag on every recorder device (for `udevadm trigger --tag-match`, and doctor). */
export const UDEV_TAG = 'recorder-dock';

/** Where the package installs the rules for the built-in table. */
export const BUILTIN_RULES_FILE = '70-recorder-dock.rules';

/** Where a site puts the rules for its own models (`dockctl udev-rules --site`). */
export const SITE_RULES_FILE = '71-recorder-dock-site.rules';

interface IdPair {
  readonly vendorId: string;
  readonly productId: string | null;
}

function idsOf(entry: FingerprintEntry): IdPair[] {
  const ids: IdPair[] = [{ vendorId: entry.match.vendorId, productId: entry.match.productId ?? null }];
  if (entry.massStorage) ids.push(entry.massStorage);
  const seen = new Set<string>();
  return ids
    .map((i) => ({ vendorId: i.vendorId.toLowerCase(), productId: i.productId?.toLowerCase() ?? null }))
    .filter((i) => {
      const k = `${i.vendorId}:${i.productId}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}

function match(ids: IdPair, attr: 'ATTR' | 'ATTRS'): string {
  const v = `${attr}{idVendor}=="${ids.vendorId}"`;
  return ids.productId === null ? v : `${v}, ${attr}{idProduct}=="${ids.productId}"`;
}

function rulesFor(entry: FingerprintEntry): string[] {
  const model = `ENV{RECORDER_DOCK_MODEL}="${entry.id}"`;
  const tag = `TAG+="${UDEV_TAG}", ${model}`;
  const access = `GROUP="${SERVICE_GROUP}", MODE="0660"`;
  const lines = [`# ${entry.id}: ${entry.vendor} ${entry.model} (driver ${entry.driver})`];
  if (entry.admitGeneric) {
    lines.push('# not written: its ids are generic and only its serial pattern tells it apart');
    return lines;
  }
  for (const ids of idsOf(entry)) {
    lines.push(
      // The USB device node itself (libusb, vendor SDKs).
      `SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ${match(ids, 'ATTR')}, ${access}, ${tag}`,
      // Its command port; ModemManager must not probe it with AT commands.
      `SUBSYSTEM=="tty", ${match(ids, 'ATTRS')}, ${access}, ${tag}, ENV{ID_MM_DEVICE_IGNORE}="1"`,
      // Its disk: desktop automounters (udisks2) keep away; the mount helper mounts it.
      `SUBSYSTEM=="block", ${match(ids, 'ATTRS')}, ${tag}, ENV{UDISKS_IGNORE}="1", ENV{UDISKS_AUTO}="0"`,
    );
  }
  return lines;
}

/**
 * udev rules for recorder USB ids from fingerprint entries: the service's group gets the USB
 * device and tty nodes, udisks2 and ModemManager keep away, and every face is tagged for the
 * agent with its model id. Generic ids (USB-serial bridges, card readers) are never written:
 * giving the group every such bridge would be wrong.
 */
export function udevRulesText(entries: readonly FingerprintEntry[], title: string): string {
  const label = `recorder_dock_end_${title.replace(/[^a-z0-9]/gi, '_')}`;
  const body = entries.flatMap((e) => [...rulesFor(e), '']);
  return [
    `# recorder-dock udev rules: ${title}.`,
    '# Generated from the recorder fingerprint table by `dockctl udev-rules`; do not edit by hand.',
    '',
    `ACTION=="remove", GOTO="${label}"`,
    `SUBSYSTEM!="usb|tty|block", GOTO="${label}"`,
    '',
    ...body,
    `LABEL="${label}"`,
    '',
  ].join('\n');
}

/** Model ids a rules text covers (from its RECORDER_DOCK_MODEL assignments). */
export function modelsInRules(text: string): Set<string> {
  return new Set([...text.matchAll(/ENV\{RECORDER_DOCK_MODEL\}="([^"]+)"/g)].map((m) => m[1] as string));
}
