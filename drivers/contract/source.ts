/**
 * How the ingest core reads one recorder file. Part of the contract floor: plain data and
 * interfaces only. Ingest runs in worker threads, so a file is described by a SourceSpec (data)
 * and opened inside the worker by the SourceOpener the worker was started with.
 */

/** JSON-safe values a SourceSpec may carry to its opener. */
export type SpecValue = string | number | boolean | null;

/** How to open one recorder file for one read pass. */
export interface SourceSpec {
  /** Absolute path of the file on the mounted recorder volume. */
  readonly path: string;
  /**
   * Read shaping for the opener the ingest worker was started with (the simulator's faults and
   * link speed). Real recorders never set it; the plain opener ignores it.
   */
  readonly shaping?: Readonly<Record<string, SpecValue>>;
}

/** A recorder file opened for one read pass. Reads may return fewer bytes; 0 means the end. */
export interface SourceFile {
  /** Size in bytes when opened. */
  readonly size: number;
  /** Modification time when opened, in ms since the epoch. */
  readonly mtimeMs: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Size and modification time now (a file that grows while it is copied shows it here). */
  stat(): Promise<{ readonly size: number; readonly mtimeMs: number }>;
  close(): Promise<void>;
}

/** Opens a SourceSpec; errors are the typed source errors of contract/errors.ts. */
export type SourceOpener = (spec: SourceSpec) => Promise<SourceFile>;
