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
  'err.weakPassword.text': 'The password is not accepted (it is not text): choose another one.',
  'err.weakPassword.short':
    'The password is not accepted (it must have at least {n} characters): choose another one.',
  'err.weakPassword.long':
    'The password is not accepted (it must have at most {n} characters): choose another one.',
  'err.weakPassword.control':
    'The password is not accepted (it must not contain control characters): choose another one.',
  'err.weakPassword.kinds':
    'The password is not accepted (it must mix at least two kinds: lower case, upper case, digits, others): choose another one.',
  'err.weakPassword.username':
    'The password is not accepted (it must not contain the username): choose another one.',
  'err.loginRefused':
    'The username or password is wrong, or the account is disabled: check both, or ask an administrator.',
  'err.loginThrottled':
    'Too many failed logins: wait {seconds} seconds before trying again, or ask an administrator.',
  'err.accessDenied': 'Your role does not allow this: ask an administrator or request access.',
  'err.accountExists':
    'The account {username} already exists: choose another username, or change that account instead.',
  'err.accountUnknown': 'There is no account {username}: check the name in the list of accounts.',
  'err.roleUnknown': 'The role {role} does not exist.',
  'err.username.bad':
    'The username is not allowed: use 2 to 32 letters, digits, dots, dashes or underscores, starting with a letter or digit.',
  'err.username.reserved': 'The username {username} is reserved: choose another one.',
  'err.officerNo.required': "An officer's account needs the officer number.",
  'err.officerNo.bad':
    'The officer number is not allowed: use 1 to 32 letters, digits, dashes or underscores.',
  'err.lastAdmin': '{username} is the last enabled administrator: make another administrator first.',
  'err.officerNotRegistered':
    'No officer {no} is registered: register the officer on the recorders page first, or check the number.',
  'err.officerNoTaken':
    'The officer number {no} already belongs to the account {holder}: one officer has one account.',
  'err.proposalUnknown': 'This account change is no longer waiting: reload the page.',
  'err.proposalOwn':
    'Nobody may confirm an account change they proposed or a change to their own account: ask another supervisor.',
  'err.notASigner': '{who} cannot sign: only the named officers sign, each with their own account.',
  'err.input.required': 'Fill in {field}.',
  'err.input.range': '{field} must be a whole number from {min} to {max}.',
  'err.input.date': '{field} is not a valid time.',
  'err.input.oneOf': 'The value of {field} is not allowed.',
  'err.recorderNotRegistered': 'The recorder {serial} is not registered: register it first.',
  'err.recorderNotInService':
    'The recorder {serial} is {status} and may not be checked out (R8): repair or replace it.',
  'err.recorderOut': 'The recorder {serial} is already checked out to officer {no}: check it in first.',
  'err.faultUnknown': 'That fault report is not in the ledger: reload the page.',
  'err.clipNotSealed': 'That clip is not sealed in the ledger: reload the page.',
  'err.request.noClips': 'An access request must name at least one clip.',
  'err.request.unknown': 'That access request is not in the ledger: reload the page.',
  'err.request.decided': 'That access request was already decided ({status}).',
  'err.request.own': 'Nobody may decide their own access request: ask another supervisor.',
  'err.request.hours': 'The hours must be a whole number from 1 to 2160.',
  'err.gap.notGap': 'That alert is not a recording gap: reload the page.',
  'err.gap.resolved': 'That gap is already explained or resolved.',
  'err.gap.short': 'The explanation is too short: write what happened (at least 10 characters).',
  'err.gap.twoSigners': 'A gap explanation must be signed by two or more different officers (R9).',
  'err.gap.unregistered': 'Officer {list} is not registered: register them first.',
  'err.gap.noDraft': 'That gap has no explanation to sign yet: enter it first.',
  'err.gap.notSigner': 'Officer {no} is not a signer of this explanation: only the named officers sign it.',
  'err.gap.signedAlready': 'Officer {no} has already signed this explanation.',
  'err.gap.notExplained': 'That gap is not explained yet: nothing to acknowledge.',
  'err.export.refused': 'The export was refused: {why}',
  'err.export.noRequest': 'there is no such access request; ask for an export approval first',
  'err.export.notYours': 'the request was made by another user; only its requester may export under it',
  'err.export.forViewing': 'the request is for viewing, not export; ask for an export approval',
  'err.export.pending': 'the request has not been decided yet; ask a supervisor to approve it',
  'err.export.denied': 'the request was denied',
  'err.export.expired': 'the approval expired at {at}; ask for a new approval',
  'err.export.disabled': 'the account {username} is disabled',
  'err.export.caseNo':
    'The case number must be one line of at most 64 characters without control characters.',
  'err.export.noSpace': 'Not enough space: the export needs {needed}, {free} is free.',
  'err.export.mismatch':
    'A stored clip does not match its seal; the export stopped: verify the clip and tell the equipment manager.',
  'err.generic':
    'This could not be done: check what you entered and try again; if it happens again, ask the administrator.',
  'errno.EIO': 'I/O error',
  'errno.ENXIO': 'device gone',
  'errno.ENODEV': 'device gone',
  'errno.EACCES': 'permission denied',
  'errno.ETIMEDOUT': 'timed out',
};
