import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { DriverName, FingerprintMatch, UsbIdentity } from './contract/ports.ts';
import { FingerprintTableError } from './errors.ts';

/** One model entry, as in schemas/fingerprints.schema.json#/$defs/model. */
export interface FingerprintEntry {
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly driver: DriverName;
  readonly match: {
    readonly vendorId: string;
    readonly productId?: string;
    readonly manufacturer?: string;
    readonly product?: string;
    readonly serialPattern?: string;
  };
  readonly massStorage?: { readonly vendorId: string; readonly productId: string };
  readonly admitGeneric?: boolean;
  readonly example?: boolean;
  readonly note?: string;
}

/** An id on the never-match-automatically list. */
export interface GenericId {
  readonly vendorId: string;
  readonly productId: string;
  readonly reason: string;
}

/** The site's additions from the config file (#/$defs/siteExtension). */
export interface FingerprintSiteExtension {
  readonly models?: readonly FingerprintEntry[];
  readonly generic?: readonly GenericId[];
}

interface CompiledEntry {
  readonly entry: FingerprintEntry;
  readonly serialRe: RegExp | null;
}

/** USB string descriptors are at most 126 characters; anything longer is not tested. */
const MAX_DEVICE_STRING = 126;

const SCHEMA_URL = new URL('../schemas/fingerprints.schema.json', import.meta.url);
const BUILTIN_URL = new URL('./fingerprints.json', import.meta.url);

let validators: { table: ValidateFunction; site: ValidateFunction } | undefined;

function getValidators(): { table: ValidateFunction; site: ValidateFunction } {
  if (!validators) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as { $id: string };
    const ajv = new Ajv2020({ allErrors: true });
    ajv.addSchema(schema);
    validators = {
      table: ajv.getSchema(schema.$id) as ValidateFunction,
      site: ajv.compile({ $ref: `${schema.$id}#/$defs/siteExtension` }),
    };
  }
  return validators;
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
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
    const { table, site } = getValidators();
    const builtin = options.builtin ?? JSON.parse(readFileSync(BUILTIN_URL, 'utf8'));
    if (!table(builtin)) throw new FingerprintTableError('the built-in table', describeErrors(table.errors));
    const base = builtin as { models: FingerprintEntry[]; generic?: GenericId[] };
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
