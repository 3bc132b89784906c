import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceGoneError, DevicePermissionError } from '../../drivers/errors.ts';
import { serialOpenError } from '../../drivers/serial/serial-link.ts';

describe('a serial port that does not open', () => {
  it('is a permission problem of the box when the kernel refused it, not a recorder that is gone', () => {
    const eacces = serialOpenError(
      '/dev/ttyUSB0',
      new Error('Error: Permission denied, cannot open /dev/ttyUSB0'),
    );
    assert.ok(eacces instanceof DevicePermissionError);
    assert.equal((eacces as DevicePermissionError).errno, 'EACCES');
    assert.equal((eacces as DevicePermissionError).code, 'DEVICE_PERMISSION');
    assert.match(
      eacces.message,
      /may not open the recorder's port \/dev\/ttyUSB0 \(EACCES\).*udev-rules --site/,
    );
    assert.doesNotMatch(eacces.message, /gone/);
    const eperm = serialOpenError(
      '/dev/ttyACM0',
      new Error('Error: Operation not permitted, cannot open /dev/ttyACM0'),
    );
    assert.equal((eperm as DevicePermissionError).errno, 'EPERM');
    assert.match(eperm.message, /device policy.*systemd-modules-load/);
  });

  it('is a recorder that went away otherwise', () => {
    const gone = serialOpenError(
      '/dev/ttyUSB0',
      new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'),
    );
    assert.ok(gone instanceof DeviceGoneError);
    assert.match(gone.message, /is gone/);
  });
});
