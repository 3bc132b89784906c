import type { DomainKey } from '../i18n/domain.ts';
import { formatKeyPath, type KeySegments, startsWith } from './key-path.ts';

/** The layout version this build reads; files with a lower version are migrated when loaded. */
export const CONFIG_VERSION = 2;

/** One key moved from one place to another by a migration. */
export interface KeyMove {
  readonly from: KeySegments;
  readonly to: KeySegments;
}

/** An explicit step from one layout version to the next. */
export interface ConfigMigration {
  readonly from: number;
  readonly to: number;
  /** One sentence for the notes `dockctl config check` prints. */
  readonly summary: string;
  /** The same sentence in the catalogue. */
  readonly words: DomainKey;
  readonly moves: readonly KeyMove[];
}

/**
 * Every layout change, oldest first. Version 1 is the layout the driver documentation first
 * described (driver sections at the top level: `fingerprints`, `gaSdk`, `serial`,
 * `massStorage`); version 2 groups them under `drivers`.
 */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [
  {
    from: 1,
    to: 2,
    summary: 'the driver sections fingerprints, gaSdk, serial and massStorage moved under drivers',
    words: 'cfg.migration.1',
    moves: ['fingerprints', 'gaSdk', 'serial', 'massStorage'].map((key) => ({
      from: [key],
      to: ['drivers', key],
    })),
  },
];

/** What migrating a document did. */
export interface MigrationResult {
  /** The version the file declared (null when it has none). */
  readonly fromVersion: number | null;
  readonly applied: readonly ConfigMigration[];
  /** Key moves that could not be made because the destination was already set. */
  readonly conflicts: readonly KeyMove[];
}

/** The tree operations a migration needs; implemented over plain objects and YAML documents. */
export interface MigrationTarget {
  has(path: KeySegments): boolean;
  move(from: KeySegments, to: KeySegments): void;
  setVersion(version: number): void;
}

/** The chain of migrations from `version` to CONFIG_VERSION, or null when none leads there. */
export function migrationPath(version: number): ConfigMigration[] | null {
  const path: ConfigMigration[] = [];
  let v = version;
  while (v < CONFIG_VERSION) {
    const step = CONFIG_MIGRATIONS.find((m) => m.from === v);
    if (!step) return null;
    path.push(step);
    v = step.to;
  }
  return path;
}

/**
 * Migrate a document in place from its declared version to CONFIG_VERSION. Files without a
 * known older version are left alone (validation then reports the version).
 */
export function migrate(declared: unknown, target: MigrationTarget): MigrationResult {
  const fromVersion = typeof declared === 'number' && Number.isInteger(declared) ? declared : null;
  const steps = fromVersion !== null && fromVersion < CONFIG_VERSION ? migrationPath(fromVersion) : null;
  if (!steps) return { fromVersion, applied: [], conflicts: [] };
  const conflicts: KeyMove[] = [];
  for (const step of steps) {
    for (const move of step.moves) {
      if (!target.has(move.from)) continue;
      if (target.has(move.to)) {
        conflicts.push(move);
        continue;
      }
      try {
        target.move(move.from, move.to);
      } catch {
        conflicts.push(move); // a destination parent that is not a mapping
      }
    }
  }
  target.setVersion(CONFIG_VERSION);
  return { fromVersion, applied: steps, conflicts };
}

/**
 * Where a key path of the migrated document was in the file as written, so that problems
 * point at the user's own lines.
 */
export function originalPath(path: KeySegments, result: MigrationResult): KeySegments {
  let out = path;
  for (const step of [...result.applied].reverse()) {
    const move = step.moves.find((m) => startsWith(out, m.to));
    if (move) out = [...move.from, ...out.slice(move.to.length)];
  }
  return out;
}

/** A plain-object document as a migration target. */
export function objectTarget(doc: Record<string, unknown>): MigrationTarget {
  const parentOf = (path: KeySegments, create: boolean): Record<string, unknown> | undefined => {
    let node: Record<string, unknown> | undefined = doc;
    for (const key of path.slice(0, -1)) {
      const next: unknown = node?.[key as string];
      if (next === undefined && create && node) node[key as string] = {};
      const child: unknown = node?.[key as string];
      node = typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : undefined;
    }
    return node;
  };
  const last = (path: KeySegments) => path[path.length - 1] as string;
  return {
    has: (path) => {
      const parent = parentOf(path, false);
      return parent !== undefined && Object.hasOwn(parent, last(path));
    },
    move: (from, to) => {
      const src = parentOf(from, false);
      const dst = parentOf(to, true);
      if (!src || !dst) throw new Error(`cannot move ${formatKeyPath(from)} to ${formatKeyPath(to)}`);
      dst[last(to)] = src[last(from)];
      delete src[last(from)];
    },
    setVersion: (version) => {
      doc.version = version;
    },
  };
}
