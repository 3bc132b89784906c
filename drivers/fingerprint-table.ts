import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { FingerprintEntry, FingerprintSiteExtension, GenericId } from './contract/fingerprints.ts';
import { lazySchemas, schemaErrorLine, schemaId } from './contract/json-schema.ts';
import type { FingerprintMatch, UsbIdentity } from './contract/ports.ts';
import { FingerprintTableError } from './errors.ts';

interface CompiledEntry {
  readonly entry: FingerprintEntry;
  readonly serialRe: RegExp | null;
}

/** USB string descriptors are at most 126 characters; anything longer is not tested. */
const MAX_DEVICE_STRING = 126;

const BUILTIN_URL = new URL('./fingerprints.json', import.meta.url);
const SCHEMA_FILE = 'fingerprints.schema.json';

const validators = lazySchemas({ allErrors: true }, [SCHEMA_FILE], (ajv) => ({
  table: ajv.getSchema(schemaId(SCHEMA_FILE)) as ValidateFunction,
  site: ajv.compile({ $ref: `${schemaId(SCHEMA_FILE)}#/$defs/siteExtension` }),
}));

/** The built-in table's data (drivers/fingerprints.json), as shipped. */
export interface FingerprintData {
  readonly models: readonly FingerprintEntry[];
  readonly generic?: readonly GenericId[];
}

let builtinData: unknown;

/** drivers/fingerprints.json, read once per process; not yet checked against the schema. */
function builtinFile(): unknown {
  builtinData ??= JSON.parse(readFileSync(BUILTIN_URL, 'utf8'));
  return builtinData;
}

/** The built-in table (drivers/fingerprints.json), checked against its schema; throws FingerprintTableError. */
export function builtinFingerprints(): FingerprintData {
  return checkedTable(builtinFile(), 'the built-in table');
}

function checkedTable(data: unknown, source: string): FingerprintData {
  const { table } = validators();
  if (!table(data)) throw new FingerprintTableError(source, describeErrors(table.errors));
  return data as FingerprintData;
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(schemaErrorLine);
}

function compileEntries(models: readonly FingerprintEntry[], source: string): CompiledEntry[] {
  const problems: string[] = [];
  const compiled = models.map((entry, i) => {
    const pattern = entry.match.serialPattern;
    if (pattern === undefined) return { entry, serialRe: null };
    try {
      return { entry, serialRe: new RegExp(pattern) };
    } catch {
      problems.push(`/models/${i}/match/serialPattern is not a valid regular expression`);
      return { entry, serialRe: null };
    }
  });
  if (problems.length > 0) throw new FingerprintTableError(source, problems);
  return compiled;
}

const idKey = (vendorId: string, productId: string): string => `${vendorId}:${productId}`.toLowerCase();

/**
 * The fingerprint table: data (drivers/fingerprints.json plus the site's config section),
 * validated against schemas/fingerprints.schema.json with every problem listed.
 */
export class FingerprintTable {
  private readonly entries: readonly CompiledEntry[];
  private readonly generic: ReadonlyMap<string, string>;

  private constructor(entries: CompiledEntry[], generic: GenericId[]) {
    this.entries = entries;
    this.generic = new Map(generic.map((g) => [idKey(g.vendorId, g.productId), g.reason]));
  }

  /**
   * Build the table from the built-in data (or `builtin`, for tests) and the site extension.
   * Site models are tried first so a site can override a built-in entry. Throws
   * FingerprintTableError listing every schema problem.
   */
  static load(options: { readonly builtin?: unknown; readonly site?: unknown } = {}): FingerprintTable {
    const { site } = validators();
    const base = checkedTable(options.builtin ?? builtinFile(), 'the built-in table');
    let ext: FingerprintSiteExtension = {};
    if (options.site !== undefined) {
      if (!site(options.site))
        throw new FingerprintTableError('the config file', describeErrors(site.errors));
      ext = options.site as FingerprintSiteExtension;
    }
    const siteEntries = compileEntries(ext.models ?? [], 'the config file');
    const baseEntries = compileEntries(base.models, 'the built-in table');
    return new FingerprintTable(
      [...siteEntries, ...baseEntries],
      [...(base.generic ?? []), ...(ext.generic ?? [])],
    );
  }

  /** Why an id is on the generic list, or undefined when it is not. */
  genericReason(vendorId: string, productId: string): string | undefined {
    return this.generic.get(idKey(vendorId, productId));
  }

  /** The entry with this id (site entries shadow built-in ones), or undefined. */
  entryById(id: string): FingerprintEntry | undefined {
    return this.entries.find((c) => c.entry.id === id)?.entry;
  }

  /** Every entry, site entries first. */
  list(): readonly FingerprintEntry[] {
    return this.entries.map((c) => c.entry);
  }

  /**
   * The best entry for a device, or null. A device on the generic list matches only an entry
   * that admits generic ids and whose serial pattern matches. With `massStorageFace`, ids are
   * compared with the entries' `massStorage` ids (a recorder after it switched to a disk).
   */
  match(usb: UsbIdentity, options: { readonly massStorageFace?: boolean } = {}): FingerprintMatch | null {
    const generic = this.generic.has(idKey(usb.vendorId, usb.productId));
    let best: { score: number; entry: FingerprintEntry } | null = null;
    for (const c of this.entries) {
      const score = scoreEntry(c, usb, generic, options.massStorageFace === true);
      if (score !== null && (best === null || score > best.score)) best = { score, entry: c.entry };
    }
    if (!best) return null;
    const e = best.entry;
    return {
      entryId: e.id,
      vendor: e.vendor,
      model: e.model,
      driver: options.massStorageFace ? 'mass-storage' : e.driver,
      example: e.example === true,
    };
  }
}

function containsFold(haystack: string | null, needle: string): boolean {
  if (haystack === null || haystack.length > MAX_DEVICE_STRING) return false;
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/** Null when the entry does not match; otherwise a specificity score (higher wins). */
function scoreEntry(c: CompiledEntry, usb: UsbIdentity, generic: boolean, mscFace: boolean): number | null {
  if (mscFace) {
    // The disk face carries other strings and often another serial: ids only, and never a
    // generic id (such a disk is tied to its recorder by the watcher's claim instead).
    const ids = c.entry.massStorage;
    if (!ids || generic) return null;
    return ids.vendorId.toLowerCase() === usb.vendorId && ids.productId.toLowerCase() === usb.productId
      ? 1
      : null;
  }
  const m = c.entry.match;
  if (m.vendorId.toLowerCase() !== usb.vendorId) return null;
  let score = 0;
  if (m.productId !== undefined) {
    if (m.productId.toLowerCase() !== usb.productId) return null;
    score += 1;
  }
  if (m.manufacturer !== undefined) {
    if (!containsFold(usb.manufacturer, m.manufacturer)) return null;
    score += 1;
  }
  if (m.product !== undefined) {
    if (!containsFold(usb.product, m.product)) return null;
    score += 1;
  }
  if (c.serialRe) {
    const serial = usb.serial;
    if (serial === null || serial.length > MAX_DEVICE_STRING || !c.serialRe.test(serial)) return null;
    score += 2;
  }
  if (generic && !(c.entry.admitGeneric === true && c.serialRe)) return null;
  return score;
}
