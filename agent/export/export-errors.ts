import { DockError } from '../errors.ts';

/** R6/R10: an export was refused because its approval does not allow it. Nothing was written. */
export class ExportRefusedError extends DockError {
  constructor(message: string) {
    super('EXPORT_REFUSED', message);
  }
}

/** A value given to an export (id, case number) is not acceptable. */
export class ExportInputError extends DockError {
  constructor(message: string) {
    super('EXPORT_INPUT', message);
  }
}

/**
 * R5: a clip's vault copy is missing or no longer matches its seal, so the export was aborted and
 * no package was left behind.
 */
export class ExportSealMismatchError extends DockError {
  constructor(
    readonly clipId: string,
    /** What the check found, as `clip.checked` records it. */
    readonly result: 'missing' | 'mismatch',
    what: string,
    cause?: unknown,
  ) {
    super(
      'EXPORT_SEAL_MISMATCH',
      `the vault copy of clip ${clipId} ${what}, so the export was aborted and nothing was written: run 'dockctl verify --files' and restore the clip from the off-site copy`,
      { cause },
    );
  }
}

/** The export folder's file system has too little free space for the package. */
export class ExportNoSpaceError extends DockError {
  constructor(dir: string, needed: number, free: number) {
    super(
      'EXPORT_NO_SPACE',
      `the export needs ${needed} bytes but ${dir} has only ${free} bytes free: free space there, then export again`,
    );
  }
}

/** The path given to verify does not exist. */
export class ExportPackageMissingError extends DockError {
  constructor(readonly target: string) {
    super('EXPORT_PACKAGE_MISSING', `there is no file or folder at ${target}: check the path of the package`);
  }
}

/** The path given to verify exists but is not an export package (no BagIt files, not a zip). */
export class NotAnExportPackageError extends DockError {
  constructor(
    readonly target: string,
    why: string,
    cause?: unknown,
  ) {
    super(
      'EXPORT_PACKAGE_FORMAT',
      `${target} is not a recorder-dock export package (${why}): give the package folder or its .zip`,
      { cause },
    );
  }
}
