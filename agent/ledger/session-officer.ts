/**
 * The officer of a docking, as every count and list names it (issue 16: a plain USB-disk recorder
 * reports no officer, yet the ledger knows who took it). The officer the recorder reported at the
 * docking, else the officer of the check-out during which the docking started (the docking that
 * checks a recorder in starts just before its check-in). SQL fragments for the queries over
 * sessions, so that clips, the Now page, the ledger, statistics and `dockctl sessions` agree.
 */

/** The officer of session alias `s` (an expression; uses assignments_by_recorder). */
export function sessionOfficerSql(s: string): string {
  return `coalesce(${s}.officer_no, (SELECT a.officer_no FROM assignments a
    WHERE a.recorder_serial = ${s}.recorder_serial AND a.checked_out_at <= ${s}.started_at
      AND (a.checked_in_at IS NULL OR a.checked_in_at >= ${s}.started_at)
    ORDER BY a.checked_out_at DESC LIMIT 1))`;
}

/**
 * The ids of the sessions whose officer (as above) is the parameter `@param`: those the recorder
 * reported for the officer, and those it reported for nobody during the officer's check-outs.
 */
export function sessionsOfOfficerSql(param: string): string {
  return `(SELECT id FROM sessions WHERE officer_no = ${param}
    UNION SELECT s2.id FROM assignments a2 JOIN sessions s2 ON s2.recorder_serial = a2.recorder_serial
      AND s2.started_at >= a2.checked_out_at AND (a2.checked_in_at IS NULL OR s2.started_at <= a2.checked_in_at)
    WHERE a2.officer_no = ${param} AND s2.officer_no IS NULL)`;
}
