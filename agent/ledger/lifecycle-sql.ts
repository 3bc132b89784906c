/**
 * SQL fragments the lifecycle's writes and reads share, about a clip row aliased `c`.
 */

/** The instant a clip's footage was made: its recording start, else its seal. */
export const RECORDED_AT = 'coalesce(c.recording_start, c.sealed_at)';

/** True when an active R4 hold covers clip `c`: itself, its session, or its recorder over a range. */
export const HELD = `EXISTS (SELECT 1 FROM holds h WHERE h.lifted_at IS NULL AND (
    (h.scope = 'clip' AND h.clip_id = c.id)
    OR (h.scope = 'session' AND h.session_id = c.session_id)
    OR (h.scope = 'recorder' AND h.serial = c.recorder_serial
        AND ${RECORDED_AT} >= h.from_at AND ${RECORDED_AT} < h.to_at)))`;

/** True when clip `c` is in a purge that was not undone. */
export const IN_PURGE = 'EXISTS (SELECT 1 FROM purge_clips pc WHERE pc.clip_id = c.id)';

/** True when clip `c`'s file is evicted from the vault and not fetched back. */
export const EVICTED =
  'EXISTS (SELECT 1 FROM evictions e WHERE e.sha256 = c.sha256 AND e.restored_at IS NULL)';
