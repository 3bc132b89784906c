-- recorder-dock ledger, schema 3: indexes for the equipment manager's queries (usage of one
-- recorder or one officer over a date range, what is docked now, open alerts, open faults).

CREATE INDEX sessions_by_recorder ON sessions (recorder_serial, started_at);
CREATE INDEX sessions_by_officer ON sessions (officer_no, started_at);
CREATE INDEX sessions_open ON sessions (recorder_serial, started_at) WHERE finished_at IS NULL;
CREATE INDEX assignments_by_recorder ON assignments (recorder_serial, checked_out_at);
CREATE INDEX assignments_by_officer ON assignments (officer_no, checked_out_at);
CREATE INDEX alerts_open ON alerts (opened_at) WHERE resolved_at IS NULL;
CREATE INDEX alerts_open_subject ON alerts (kind, subject) WHERE resolved_at IS NULL;
CREATE INDEX faults_open ON faults (recorder_serial) WHERE resolved_at IS NULL;
