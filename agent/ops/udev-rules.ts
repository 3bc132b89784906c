import type { FingerprintEntry } from '../../drivers/contract/fingerprints.ts';
import { builtinFingerprints } from '../../drivers/fingerprint-table.ts';

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

/** Characters a serial prefix may hold in a rule (nothing udev's glob or the rule syntax reads). */
const PLAIN = /[A-Za-z0-9_ :/-]/;
/** Regex escapes of characters that are plain in a glob. */
const ESCAPED_PLAIN = /[.\-_:/]/;

/**
 * The literal start every serial matching `pattern` must have (`^HIL-SER-\d+$` → `HIL-SER-`),
 * or '' when the pattern is not anchored or starts with something other than plain characters.
 */
export function serialPrefix(pattern: string): string {
  // An alternation may hold an unanchored branch: no start is fixed then.
  if (!pattern.startsWith('^') || pattern.includes('|')) return '';
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    const c = pattern[i] as string;
    const escaped = c === '\\' ? pattern[i + 1] : undefined;
    if (escaped !== undefined && ESCAPED_PLAIN.test(escaped)) {
      prefix += escaped;
      i++;
    } else if (PLAIN.test(c)) prefix += c;
    else {
      // A quantifier makes the character before it optional or repeated: it is not fixed.
      if ('?*{'.includes(c)) prefix = prefix.slice(0, -1);
      break;
    }
  }
  return prefix;
}

function match(ids: IdPair, attr: 'ATTR' | 'ATTRS', serial: string | null): string {
  const v = `${attr}{idVendor}=="${ids.vendorId}"`;
  const vp = ids.productId === null ? v : `${v}, ${attr}{idProduct}=="${ids.productId}"`;
  return serial === null ? vp : `${vp}, ${attr}{serial}=="${serial}*"`;
}

function rulesFor(entry: FingerprintEntry): string[] {
  const model = `ENV{RECORDER_DOCK_MODEL}="${entry.id}"`;
  const tag = `TAG+="${UDEV_TAG}", ${model}`;
  const access = `GROUP="${SERVICE_GROUP}", MODE="0660"`;
  const lines = [`# ${entry.id}: ${entry.vendor} ${entry.model} (driver ${entry.driver})`];
  let serial: string | null = null;
  if (entry.admitGeneric) {
    // Generic ids (a USB-serial bridge, QEMU's disk): only the USB serial tells the recorder
    // apart, so the rules match its fixed start where the pattern has one.
    serial = serialPrefix(entry.match.serialPattern ?? '');
    lines.push(
      serial
        ? `# generic ids: only devices whose USB serial starts with "${serial}"`
        : '# generic ids, and its serial pattern has no fixed start: these rules cover every such device on this box',
    );
  }
  for (const ids of idsOf(entry)) {
    const usbMatch = match(ids, 'ATTR', serial || null);
    const parentMatch = match(ids, 'ATTRS', serial || null);
    lines.push(
      // The USB device node itself (libusb, vendor SDKs).
      `SUBSYSTEM=="usb", ENV{DEVTYPE}=="usb_device", ${usbMatch}, ${access}, ${tag}`,
      // Its command port; ModemManager must not probe it with AT commands.
      `SUBSYSTEM=="tty", ${parentMatch}, ${access}, ${tag}, ENV{ID_MM_DEVICE_IGNORE}="1"`,
      // Its disk: desktop automounters (udisks2) keep away; the mount helper mounts it.
      `SUBSYSTEM=="block", ${parentMatch}, ${tag}, ENV{UDISKS_IGNORE}="1", ENV{UDISKS_AUTO}="0"`,
    );
  }
  return lines;
}

/**
 * udev rules for recorder USB ids from fingerprint entries: the service's group gets the USB
 * device and tty nodes, udisks2 and ModemManager keep away, and every face is tagged for the
 * agent with its model id. A model admitted on generic ids (a recorder behind a CH340, CP210x
 * or FTDI bridge) is matched by its USB serial's fixed start too, so the group does not get
 * every such bridge; without its rules the service could not open the recorder's port.
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

/** The built-in fingerprint table's models (what the package's own rules file covers). */
export function builtinEntries(): readonly FingerprintEntry[] {
  return builtinFingerprints().models;
}
