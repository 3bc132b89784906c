import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { UsbIdentity } from '../../drivers/contract/ports.ts';
import { FingerprintTableError } from '../../drivers/errors.ts';
import { FingerprintTable } from '../../drivers/fingerprint-table.ts';

const usb = (vendorId: string, productId: string, extra: Partial<UsbIdentity> = {}): UsbIdentity => ({
  vendorId,
  productId,
  manufacturer: null,
  product: null,
  serial: null,
  ...extra,
});

describe('fingerprint table', () => {
  it('validates the shipped table and matches its example entries by id', () => {
    const table = FingerprintTable.load();
    const ga = table.match(usb('1209', '0001'));
    assert.equal(ga?.driver, 'ga-sdk');
    assert.equal(ga?.model, 'DSJ-EXAMPLE-GA');
    assert.equal(ga?.example, true);
    assert.equal(table.match(usb('1209', '0002'), { massStorageFace: true })?.driver, 'mass-storage');
    assert.equal(table.match(usb('1234', '5678')), null);
  });

  it('requires the product string where an entry names one (case-insensitive substring)', () => {
    const table = FingerprintTable.load();
    assert.equal(table.match(usb('1209', '0003', { product: 'ACM Recorder v2' }))?.driver, 'serial');
    assert.equal(table.match(usb('1209', '0003', { product: 'Keyboard' })), null);
    assert.equal(table.match(usb('1209', '0003')), null);
  });

  it('never matches generic bridges and card readers automatically', () => {
    const site = {
      models: [
        {
          id: 'careless-site-entry',
          vendor: 'X',
          model: 'Y',
          driver: 'serial',
          match: { vendorId: '0403', productId: '6001' },
        },
        {
          id: 'careless-reader',
          vendor: 'X',
          model: 'Z',
          driver: 'mass-storage',
          match: { vendorId: '05e3' },
        },
      ],
    };
    const table = FingerprintTable.load({ site });
    assert.ok(table.genericReason('0403', '6001')?.includes('FTDI'));
    assert.equal(table.match(usb('0403', '6001', { serial: 'A50285BI' })), null);
    assert.equal(table.match(usb('05e3', '0749', { serial: '000000000532' })), null);
    assert.equal(table.match(usb('46f4', '0001', { serial: 'x' })), null);
  });

  it('lets a site admit a generic id only by an explicit serial pattern', () => {
    const site = {
      models: [
        {
          id: 'hil-qemu-disk',
          vendor: 'QEMU',
          model: 'HIL stick',
          driver: 'mass-storage',
          admitGeneric: true,
          match: { vendorId: '46f4', productId: '0001', serialPattern: '^REC-[0-9]{4}$' },
        },
      ],
    };
    const table = FingerprintTable.load({ site });
    assert.equal(table.match(usb('46f4', '0001', { serial: 'REC-0042' }))?.entryId, 'hil-qemu-disk');
    assert.equal(table.match(usb('46f4', '0001', { serial: 'OTHER' })), null);
    assert.equal(table.match(usb('46f4', '0001')), null);
  });

  it('tries site entries first and prefers the most specific entry', () => {
    const site = {
      models: [
        {
          id: 'site-ga',
          vendor: 'Site',
          model: 'Local GA',
          driver: 'ga-sdk',
          match: { vendorId: '1209', productId: '0001', serialPattern: '^A' },
        },
      ],
    };
    const table = FingerprintTable.load({ site });
    assert.equal(table.match(usb('1209', '0001', { serial: 'A123456' }))?.entryId, 'site-ga');
    assert.equal(table.match(usb('1209', '0001', { serial: 'B123456' }))?.entryId, 'example-ga-sdk-recorder');
  });

  it('refuses a bad site section listing every problem', () => {
    const site = {
      models: [
        { id: 'Bad Id', vendor: 'X', model: 'Y', driver: 'floppy', match: { vendorId: 'zz' } },
        {
          id: 'no-serial',
          vendor: 'X',
          model: 'Y',
          driver: 'serial',
          admitGeneric: true,
          match: { vendorId: '0403' },
        },
      ],
    };
    assert.throws(
      () => FingerprintTable.load({ site }),
      (err: unknown) => {
        assert.ok(err instanceof FingerprintTableError);
        const text = err.problems.join('\n');
        assert.match(text, /\/models\/0\/id/);
        assert.match(text, /\/models\/0\/driver/);
        assert.match(text, /\/models\/0\/match\/vendorId/);
        assert.match(text, /\/models\/1\/match/);
        assert.match(err.message, /config file/);
        return true;
      },
    );
  });

  it('refuses a serial pattern that is not a regular expression', () => {
    const site = {
      models: [
        {
          id: 'x',
          vendor: 'X',
          model: 'Y',
          driver: 'serial',
          match: { vendorId: '1234', serialPattern: '([' },
        },
      ],
    };
    assert.throws(() => FingerprintTable.load({ site }), FingerprintTableError);
  });

  it('refuses a broken built-in table', () => {
    const builtin = JSON.parse(
      readFileSync(new URL('../../drivers/fingerprints.json', import.meta.url), 'utf8'),
    );
    builtin.version = 2;
    assert.throws(() => FingerprintTable.load({ builtin }), /built-in table/);
  });
});
