import { DockError } from '../errors.ts';

/** The forwarder section of the configuration cannot be used as written. */
export class ForwarderConfigError extends DockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FORWARDER_CONFIG', message, options);
  }
}

/** A file the forwarder configuration names (token, key, certificate, credentials) cannot be read. */
export class ForwarderSecretFileError extends DockError {
  constructor(what: string, file: string, cause: unknown) {
    super(
      'FORWARDER_SECRET_FILE',
      `the forwarder's ${what} file ${file} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}): check the path and that the service user may read it`,
      { cause },
    );
  }
}

/** The forwarder's state folder cannot be written, so acknowledgements cannot be kept. */
export class ForwarderStateError extends DockError {
  constructor(file: string, cause: unknown) {
    super(
      'FORWARDER_STATE',
      `the forwarder state file ${file} cannot be written (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}): check the state folder's permissions and free space`,
      { cause },
    );
  }
}

/** Fetching a checkpoint from the central store failed. */
export class CheckpointFetchError extends DockError {
  constructor(target: string, what: string, options?: { cause?: unknown }) {
    super(
      'CHECKPOINT_FETCH',
      `no checkpoint could be fetched from ${target} (${what}): check that the target is reachable and has received this dock's records`,
      options,
    );
  }
}
