import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../../agent/config/config-loader.ts';
import { createVolumeMounter, gaSdkSettings, serialSettings, walkOptions } from '../../agent/hardware.ts';
import { silentLogger } from '../../agent/ops/logger.ts';
import { LinuxVolumeMounter } from '../../drivers/mass-storage/linux-mounter.ts';
import { PrivilegedVolumeMounter } from '../../drivers/mass-storage/privileged-mounter.ts';

describe('the composition root: driver settings from the configuration', () => {
  it('turns the driver sections into the settings objects the drivers take', async () => {
    const { config } = parseConfigText(
      [
        'version: 2',
        'drivers:',
        '  gaSdk: { libraryPath: /opt/v.so, password: "9", goneCodes: [-1] }',
        '  serial: { password: "8", retries: 4 }',
        '  massStorage: { extensions: { dav: video }, folders: [DCIM], limits: { maxDepth: 3 } }',
      ].join('\n'),
      't',
    );
    assert.ok(config.drivers.gaSdk && config.drivers.serial);
    assert.deepEqual(gaSdkSettings(config.drivers.gaSdk), { password: '9', idCode: '', goneCodes: [-1] });
    assert.equal(serialSettings(config.drivers.serial).retries, 4);
    const walk = walkOptions(config.drivers.massStorage);
    assert.equal(walk.footage?.kindOf('A.DAV'), 'video');
    assert.equal(walk.footage?.kindOf('A.MP4'), 'video');
    assert.equal(walk.limits?.maxDepth, 3);
    const deps = { spawn: (() => assert.fail('no spawn')) as never, log: silentLogger() };
    assert.ok(createVolumeMounter(config, deps) instanceof PrivilegedVolumeMounter);
    const direct = parseConfigText('version: 2\ndrivers: { massStorage: { mounter: direct } }\n', 't').config;
    assert.ok(createVolumeMounter(direct, deps) instanceof LinuxVolumeMounter);
  });
});
