/**
 * The fingerprint table's data as schemas/fingerprints.schema.json describes it: the contract
 * between the configuration (a site's own models) and the drivers that match devices against it.
 * Types only; it imports nothing from agent/.
 */
import type { DriverName } from './ports.ts';

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
