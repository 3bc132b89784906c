import type { DomainKey } from './domain-zh.ts';

/** The dock's own words in English (same keys as domain-zh.ts, checked by the type). */
export const domainEn: { readonly [K in DomainKey]: string } = {
  'alert.kind.vault-full': 'Vault full',
  'alert.kind.storage-low': 'Storage low',
  'alert.kind.read-error': 'File could not be read',
  'alert.kind.damaged-clip': 'Damaged clip',
  'alert.kind.file-changed': 'File changed while copied',
  'alert.kind.late-clip': 'Stored late (R1)',
  'alert.kind.recording-gap': 'Recording gap (R9)',
  'alert.kind.identity-changed': 'Recorder identity changed',
  'alert.kind.unknown-recorder': 'Unregistered recorder',
  'alert.kind.unknown-device': 'Unidentified device',
  'alert.kind.device-permission': 'Device permission missing',
  'alert.kind.recorder-not-ready': 'Recorder not ready (R7)',
  'alert.kind.unsafe-entries': 'Unsafe files on the recorder',
  'alert.kind.unusable-recorder-taken': 'Unusable recorder taken out (R8)',
  'alert.kind.no-officer': 'Officer unknown',
  'alert.kind.forward-backlog': 'Forwarding backlog',
  'alert.kind.forward-rejected': 'Central store refused a record',

  'alert.text.vault-full':
    'The vault is full: {file} of {recorder} and the files after it were not sealed and stay on the recorder; free space in the vault, then dock it again.',
  'alert.text.storage-low': 'The vault has {free} free (of {total}, {percent}%), below the {limit}% limit.',
  'alert.text.read-error':
    '{file} of {recorder} could not be read at byte {position} ({errno}); it stays on the recorder. Tried {attempts} of at most {max} times. Report a fault for this recorder (R8).',
  'alert.text.damaged-clip':
    '{file} of {recorder} {why}; it was sealed byte for byte and stays on the recorder until this alert is resolved. Report a fault for this recorder (R8).',
  'alert.text.file-changed':
    '{file} of {recorder} changed while it was copied (listed {listed}, {sealed} sealed); it stays on the recorder and is copied again at the next dock.',
  'alert.text.late-clip':
    '{file} of {recorder} was stored {hours} h after its recording ended (limit {limit} h, R1).',
  'alert.text.recording-gap':
    '{recorder} stopped recording for {minutes} min before {file}; a written explanation signed by two or more officers is needed (R9).',
  'alert.text.identity-changed':
    'Recorder {serial} came back as another model or USB identity (was {previous}, now {fingerprint}): check it, then accept or reject it.',
  'alert.text.unknown-recorder':
    'Recorder {serial} ({vendor} {model}) is not registered: accept or reject it.',
  'alert.text.unknown-device':
    'A USB disk that is not a known recorder was plugged in ({vendorId}:{productId}, label {label}); it is not read. If it is a recorder, add its model to the fingerprint table.',
  'alert.text.device-permission':
    'The service may not open the device {devNode} ({deviceKey}): install the udev rules (dockctl udev-rules).',
  'alert.text.recorder-not-ready': '{recorder} is not ready for the next shift: {why} (R7).',
  'alert.text.unsafe-entries':
    '{recorder} holds {count} entries the dock will not read (links, device files, unsafe names): check the recorder.',
  'alert.text.unusable-recorder-taken':
    '{recorder} is "{status}" but left the dock: a faulty recorder must not be used (R8).',
  'alert.text.no-officer':
    '{recorder} left the dock with no officer bound to it: bind one so the ledger shows who took it (R7).',
  'alert.text.forward-backlog':
    '{records} records are not yet accepted by the central store; the oldest is from {oldest} (over {limit} h).',
  'alert.text.forward-rejected': 'The central store refused a record: {reason}',
  'alert.why.no-moov': 'was cut short (no moov header, e.g. by a power loss)',
  'alert.why.unparseable': 'cannot be read as MP4',
  'alert.none': 'none',
  'alert.why.battery': 'battery {pct}%',
  'alert.why.storage': '{free} free storage',
  'list.separator': ', ',

  'session.complete': 'complete',
  'session.waiting-explanation': 'waiting for a gap explanation (R9)',
  'session.partial': 'partly done',
  'session.failed': 'failed',
  'session.interrupted': 'interrupted',
  'session.running': 'running',

  'usb.present': 'present',
  'usb.absent': 'no USB bus on this machine',
  'usb.unknown': 'unknown',
  'forwarder.starting': 'starting',
  'forwarder.idle': 'idle',
  'forwarder.sending': 'sending',
  'forwarder.retrying': 'waiting to retry',
  'forwarder.stopped': 'stopped',
  'forwarder.unknown': 'unknown',
  'forwarder.unreachable': 'central store unreachable',

  'verify.fadvise-dontneed': 're-read after dropping the cache',
  'verify.o-direct': 're-read from the disk directly',
  'verify.buffered': 're-read through the cache',
};
