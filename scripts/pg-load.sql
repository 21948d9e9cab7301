-- scripts/pg-load.sql: the tables scripts/nightly --pg reads, as
-- scripts/pg-load creates them.  Every column is text, as in the exports
-- (the programs check the values; a bad one is rejected there, with its
-- line, not refused by the database); \N is NULL both ways.  seq keeps the
-- export's order, so COPY (SELECT ... ORDER BY seq) TO STDOUT gives back the
-- file that was loaded.  The nightly job's results go to tables named
-- nightly_STEP (created by scripts/nightly --pg from each output's header,
-- with the day in the first column).

-- The daily resident exports (pop-grid(1)); day is the export's date.
CREATE TABLE IF NOT EXISTS residents (
	day text NOT NULL, seq bigserial,
	id_no text, name text, phone text, address text, res_type text,
	work_city text, id_expiry text, reported text,
	PRIMARY KEY (day, seq));

-- The case event log (case-status(1)), one row an event; day is the date
-- of the export it came with.
CREATE TABLE IF NOT EXISTS case_events (
	day text NOT NULL, seq bigserial,
	case_no text, time text, stage text, category text, unit text,
	officer text, secret text, privacy text, parties text, note text,
	limit_days text, receipt text,
	PRIMARY KEY (day, seq));

-- Vehicles, driving licences and violations (viol-query(1)).
CREATE TABLE IF NOT EXISTS vehicles (
	seq bigserial PRIMARY KEY,
	plate text, plate_type text, owner_id text, owner_name text, phone text,
	use text, vehicle_type text, seats text, registered text,
	last_inspected text);
CREATE TABLE IF NOT EXISTS licences (
	seq bigserial PRIMARY KEY,
	id_no text, name text, phone text, class text, first_issued text,
	valid_from text, valid_to text);
CREATE TABLE IF NOT EXISTS violations (
	seq bigserial PRIMARY KEY,
	plate text, plate_type text, time text, place text, district text,
	code text, status text, fine text, points text, driver_id text,
	decision_no text, decided_at text, paid_at text);

-- The satisfaction poll's answers (poll-rank(1)).
CREATE TABLE IF NOT EXISTS poll_answers (
	seq bigserial PRIMARY KEY,
	respondent text, year text, round text, unit text, phone text,
	question text, answer text);
