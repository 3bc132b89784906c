import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository the suite belongs to. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Evidence of every check (git-ignored): one folder per check, plus the run's summary. */
export const OUTPUT_DIR = process.env.HIL_OUTPUT_DIR ?? path.join(REPO_ROOT, 'test-output/hil');

/**
 * Kernel, debootstrap tree, root image and initrd, kept between runs outside the repository
 * (shared by every checkout on the machine; each entry is keyed by what it was made from).
 */
export const CACHE_DIR = process.env.HIL_CACHE_DIR ?? '/var/cache/recorder-dock-hil';
