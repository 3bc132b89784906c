import { firstSchemaProblem, lazyValidator } from '../../drivers/contract/json-schema.ts';
import type { ClipView } from '../ledger/access-queries.ts';

/** The `format` of data/clips.json. */
export const EXPORT_INDEX_FORMAT = 'recorder-dock/export/v1';

/** R2 labels as exported: without the party name (R11). */
export interface ExportedLabels {
  readonly caseNo: string | null;
  readonly officerInCharge: string | null;
  readonly important: boolean;
  readonly labelledBy: string;
  readonly labelledAt: string;
}

/** One clip of the index. */
export interface ExportIndexClip {
  readonly clipId: string;
  /** Path of the copy inside the package, `data/clips/<serial>/<safe name>`. */
  readonly file: string;
  readonly serial: string;
  readonly officerNo: string | null;
  readonly sourcePath: string;
  readonly size: number;
  readonly sha256: string;
  readonly recordingStart: string | null;
  readonly recordingEnd: string | null;
  readonly durationMs: number | null;
  readonly sealedAt: string;
  readonly sealSeq: number;
  readonly labels: ExportedLabels | null;
}

/** data/clips.json (schemas/export-manifest.schema.json). */
export interface ExportIndex {
  readonly format: typeof EXPORT_INDEX_FORMAT;
  readonly exportId: string;
  readonly dockId: string;
  readonly requestId: string;
  readonly caseNo: string | null;
  readonly createdAt: string;
  readonly checkpoint: { readonly seq: number; readonly head: string };
  readonly clips: ExportIndexClip[];
}

/** The index entry of a clip copied to `file`. */
export function indexClip(clip: ClipView, file: string): ExportIndexClip {
  const l = clip.labels;
  return {
    clipId: clip.id,
    file,
    serial: clip.serial,
    officerNo: clip.officerNo,
    sourcePath: clip.sourcePath,
    size: clip.size,
    sha256: clip.sha256,
    recordingStart: clip.recordingStart?.toISOString() ?? null,
    recordingEnd: clip.recordingEnd?.toISOString() ?? null,
    durationMs: clip.durationMs,
    sealedAt: clip.sealedAt.toISOString(),
    sealSeq: clip.sealSeq,
    labels: l
      ? {
          caseNo: l.caseNo,
          officerInCharge: l.officerInCharge,
          important: l.important,
          labelledBy: l.labelledBy,
          labelledAt: l.labelledAt.toISOString(),
        }
      : null,
  };
}

const validate = lazyValidator('export-manifest.schema.json', { allErrors: false, strict: true });

/** Why a parsed clips.json does not match its schema (never quoting values), or null when it does. */
export function indexProblem(doc: unknown): string | null {
  return firstSchemaProblem(validate(), doc);
}
