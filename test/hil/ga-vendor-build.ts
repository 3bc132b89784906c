import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { host } from './host-command.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * Compile the guest's "vendor" GA library (test/hil/guest/ga-vendor.c around
 * drivers/sim/ga-sim.c) with the host's gcc; the guest is the same Debian release.
 */
export async function buildGaVendorLibrary(out: string): Promise<string> {
  await host('gcc', [
    ...['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror'],
    ...['-I', path.resolve(HERE, '../../drivers/sim')],
    ...['-o', out, path.join(HERE, 'guest/ga-vendor.c'), '-lpthread'],
  ]);
  return out;
}
