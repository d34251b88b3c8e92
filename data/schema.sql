-- Schema of the NIAP progress database (DuckDB). Applied on every connection by
-- loaders.store.ensure_schema: tables are created if missing, views replaced.
-- Layers: raw_* (verbatim document content with provenance), core_* (normalised
-- entities and code tables), out_* (views: the public contract the dashboard, the
-- exports and outside tools read). docs/data-model.md describes them.
--
-- data/schema.yaml is the one description of every table and view column (type,
-- meaning, allowed values); the comments below are copied from it by
-- `python -m loaders.datamodel` (tests/test_schema.py checks both, and that each CHECK
-- and foreign key rejects a bad value).
--
-- A change to a table changes SCHEMA_VERSION in loaders/database.py: a database written
-- with another version is refused with "rebuild it with `python -m loaders build`".
--
-- Foreign keys: every table points at the code tables and reference facts it uses
-- (loaded by upsert, never deleted), and every per-report table at core_reports (which a
-- new version of a report updates in place). DuckDB cannot delete a referenced row in
-- the transaction that deleted the rows referring to it, so there are none between a
-- report's own child tables (notes -> actions) nor in the raw layer; store.py deletes
-- and writes those together. See docs/data-model.md.

-- ---------------------------------------------------------------- schema version

-- core_schema_info: The schema version the database was written with (one row).
CREATE TABLE IF NOT EXISTS core_schema_info (
    schema_version INTEGER NOT NULL,  -- SCHEMA_VERSION of loaders/database.py when the database was created; another version is refused
    created_at TIMESTAMP NOT NULL  -- when the database was created (UTC)
);

-- ---------------------------------------------------------------- raw layer

-- raw_files: One row per stored source file.
CREATE TABLE IF NOT EXISTS raw_files (
    file_sha256 VARCHAR PRIMARY KEY,  -- SHA-256 of the file's bytes
    file_name VARCHAR NOT NULL,  -- file name as loaded
    file_path VARCHAR NOT NULL,  -- path as given to the loader (relative to the project when inside it)
    format VARCHAR NOT NULL CHECK (format IN ('text', 'docx', 'pdf', 'layout')),  -- format backend that read it
    size_bytes BIGINT NOT NULL,  -- file size in bytes
    loaded_at TIMESTAMP NOT NULL  -- when the file was loaded (UTC)
);

-- raw_paragraphs: One row per paragraph outside tables, verbatim, in document order.
CREATE TABLE IF NOT EXISTS raw_paragraphs (
    file_sha256 VARCHAR NOT NULL,  -- file the paragraph comes from (raw_files)
    block_index INTEGER NOT NULL,  -- position of the paragraph among the document's blocks
    page INTEGER,  -- page number when the format has pages, else NULL
    is_heading BOOLEAN NOT NULL,  -- the paragraph is a heading
    text VARCHAR NOT NULL,  -- paragraph text, verbatim apart from markup
    PRIMARY KEY (file_sha256, block_index)
);

-- raw_table_cells: One row per table cell, verbatim, with its table, row and column.
CREATE TABLE IF NOT EXISTS raw_table_cells (
    file_sha256 VARCHAR NOT NULL,  -- file the cell comes from (raw_files)
    table_index INTEGER NOT NULL,  -- table number in the document, from 0 (a page-broken table counts twice)
    row_index INTEGER NOT NULL,  -- row number in the table, from 0
    cell_index INTEGER NOT NULL,  -- column number in the row, from 0
    page INTEGER,  -- page number when the format has pages, else NULL
    raw VARCHAR NOT NULL,  -- the cell exactly as in the source (markup included)
    text VARCHAR NOT NULL,  -- the cell's text without markup
    PRIMARY KEY (file_sha256, table_index, row_index, cell_index)
);

-- ---------------------------------------------------------------- code tables

-- core_codes_ratings: One row per canonical rating code (data/reference/ratings.csv).
CREATE TABLE IF NOT EXISTS core_codes_ratings (
    rating_code VARCHAR PRIMARY KEY,  -- canonical rating code (achieved, on_track, ...; not_rated)
    sort_order INTEGER NOT NULL,  -- position in the scale, best first
    label VARCHAR NOT NULL,  -- English label shown to users
    in_2014_scale BOOLEAN NOT NULL,  -- used by the 2014-2016 template (SC65-SC67)
    in_2017_scale BOOLEAN NOT NULL,  -- used by the 2017+ template (SC69 on)
    colour VARCHAR NOT NULL,  -- colour used for the rating in every chart (colour-blind safe)
    description VARCHAR NOT NULL  -- what the rating means
);

-- core_codes_quality_issues: One row per quality issue code
-- (data/reference/quality_issue_codes.csv).
CREATE TABLE IF NOT EXISTS core_codes_quality_issues (
    issue_code VARCHAR PRIMARY KEY,  -- quality issue code
    severity VARCHAR NOT NULL CHECK (severity IN ('info', 'warning', 'error')),  -- info, warning or error
    label VARCHAR NOT NULL,  -- short label shown to users
    description VARCHAR NOT NULL  -- what the issue means and what the loader did about it
);

-- core_codes_pillars: One row per standard pillar of the 2017+ template
-- (data/reference/pillars.csv).
CREATE TABLE IF NOT EXISTS core_codes_pillars (
    pillar_code VARCHAR PRIMARY KEY,  -- standard pillar code
    sort_order INTEGER NOT NULL,  -- pillar number in the template
    label VARCHAR NOT NULL  -- English name of the pillar
);

-- core_codes_delay_causes: One row per cause of delay (data/reference/delay_causes.csv).
CREATE TABLE IF NOT EXISTS core_codes_delay_causes (
    cause VARCHAR PRIMARY KEY,  -- cause code: funding, coordination, capacity, approval, external or unspecified
    sort_order INTEGER NOT NULL,  -- display order
    label VARCHAR NOT NULL,  -- English label shown to users
    colour VARCHAR NOT NULL,  -- colour used for the cause in every chart
    description VARCHAR NOT NULL  -- what the cause covers
);

-- core_rating_crosswalk: One row per rating code: the 2017+ rating it is shown as when the two
-- scales are compared (data/reference/rating_crosswalk.csv; an analyst's convention, not a CITES
-- equivalence).
CREATE TABLE IF NOT EXISTS core_rating_crosswalk (
    rating_code VARCHAR PRIMARY KEY REFERENCES core_codes_ratings (rating_code),  -- rating as reported
    crosswalk_code VARCHAR NOT NULL REFERENCES core_codes_ratings (rating_code),  -- rating it is shown as on the common (2017+) scale
    note VARCHAR NOT NULL  -- why, and what the mapping does not claim
);

-- ---------------------------------------------------------------- reference facts

-- core_parties: One row per Party: data/reference/parties.csv, plus fictional demo Parties and
-- Parties added by a loaded report.
CREATE TABLE IF NOT EXISTS core_parties (
    party_iso3 VARCHAR PRIMARY KEY,  -- ISO 3166 alpha-3 code (XA..XZ user-assigned codes for demo Parties)
    party_name VARCHAR NOT NULL,  -- name as CITES writes it
    is_demo BOOLEAN NOT NULL,  -- a fictional Party of the demo corpus
    source VARCHAR NOT NULL  -- where the code and name come from (report: added by a loaded report)
);

-- core_meetings: One row per CITES meeting: data/reference/meetings.csv, plus any meeting a loaded
-- report was prepared for (with only its code and number).
CREATE TABLE IF NOT EXISTS core_meetings (
    meeting_code VARCHAR PRIMARY KEY,  -- SC66, CoP17, ...
    kind VARCHAR NOT NULL CHECK (kind IN ('SC', 'CoP')),  -- SC (Standing Committee) or CoP (Conference of the Parties)
    number INTEGER NOT NULL,  -- meeting number
    city VARCHAR,  -- where it was held
    country VARCHAR,  -- country where it was held
    start_date DATE,  -- first day
    end_date DATE,  -- last day
    niap_document VARCHAR,  -- the meeting document on NIAPs
    note VARCHAR  -- caveats on the facts above
);

-- core_party_categories: One row per Party, meeting from which a category applies, and category
-- (data/reference/party_categories.csv).
CREATE TABLE IF NOT EXISTS core_party_categories (
    party_iso3 VARCHAR NOT NULL REFERENCES core_parties (party_iso3),  -- Party (ISO 3166 alpha-3)
    category VARCHAR NOT NULL,  -- NIAP category: primary/secondary concern, importance to watch (to 2017), Category A/B/C (from SC69)
    from_meeting VARCHAR NOT NULL,  -- meeting from which the category applies (not always in core_meetings: SC64 is not)
    source VARCHAR NOT NULL,  -- document that states the category
    note VARCHAR,  -- caveats, e.g. sources that disagree
    PRIMARY KEY (party_iso3, from_meeting, category),
    CHECK (category IN ('primary concern', 'secondary concern', 'importance to watch',
                        'Category A', 'Category B', 'Category C'))
);

-- core_rating_summaries: One row per published share or count of a rating: Party x meeting x
-- assessor x rating (data/reference/rating_summaries.csv, and the demo corpus's fictional
-- secretariat_ratings.csv).
CREATE TABLE IF NOT EXISTS core_rating_summaries (
    party_iso3 VARCHAR NOT NULL REFERENCES core_parties (party_iso3),  -- Party (ISO 3166 alpha-3)
    meeting_code VARCHAR NOT NULL REFERENCES core_meetings (meeting_code),  -- meeting the ratings were reported to
    assessor VARCHAR NOT NULL CHECK (assessor IN ('party', 'secretariat')),  -- party (self-rating) or secretariat
    rating_scale VARCHAR NOT NULL CHECK (rating_scale IN ('sc65', 'cop17')),  -- scale as named by the source (sc65 = 2014 template, cop17 = 2017+)
    rating_code VARCHAR NOT NULL REFERENCES core_codes_ratings (rating_code),  -- canonical rating code
    share_pct DOUBLE,  -- share of the Party's actions with this rating, in percent, as published
    action_count INTEGER,  -- number of actions with this rating, when published
    n_actions INTEGER,  -- number of actions the share refers to, when published
    source_document VARCHAR NOT NULL,  -- document the figure is taken from
    note VARCHAR,  -- caveats
    is_demo BOOLEAN NOT NULL DEFAULT false,  -- fictional figures of a demo Party (secretariat_ratings.csv of the demo corpus)
    PRIMARY KEY (party_iso3, meeting_code, assessor, rating_code)
);

-- ---------------------------------------------------------------- parsed reports

-- core_reports: One row per loaded report (one per Party and meeting: a newer file replaces the
-- older one).
CREATE TABLE IF NOT EXISTS core_reports (
    report_id VARCHAR PRIMARY KEY,  -- Party ISO3 and meeting, e.g. KHM-SC66
    party_iso3 VARCHAR NOT NULL REFERENCES core_parties (party_iso3),  -- Party (ISO 3166 alpha-3)
    meeting_code VARCHAR NOT NULL REFERENCES core_meetings (meeting_code),  -- meeting the report was prepared for
    period_start DATE,  -- start of the reporting period: the first day of its month, or of its year when only a year is given; NULL if not stated
    period_start_precision VARCHAR CHECK (period_start_precision IN ('month', 'year')),  -- how precisely the report gave period_start: month or year; NULL when period_start is NULL
    period_end DATE,  -- end of the reporting period: the first day of its month, or of its year when only a year is given; NULL if not stated
    period_end_precision VARCHAR CHECK (period_end_precision IN ('month', 'year')),  -- how precisely the report gave period_end: month or year; NULL when period_end is NULL
    language VARCHAR NOT NULL CHECK (language IN ('en', 'fr', 'es')),  -- language of the report: en, fr or es
    rating_scale VARCHAR NOT NULL CHECK (rating_scale IN ('2014', '2017')),  -- template generation of the ratings: 2014 (SC65-SC67) or 2017 (SC69 on)
    title VARCHAR NOT NULL,  -- report title as written
    prepared_by VARCHAR,  -- who prepared the report
    n_actions INTEGER NOT NULL,  -- number of actions read from the report
    file_sha256 VARCHAR NOT NULL,  -- source file (raw_files)
    source_file VARCHAR NOT NULL,  -- source file name
    source_path VARCHAR NOT NULL,  -- source file path as loaded (relative to the project when inside it)
    format VARCHAR NOT NULL CHECK (format IN ('text', 'docx', 'pdf', 'layout')),  -- format backend that read the file
    is_demo BOOLEAN NOT NULL,  -- report of a fictional demo Party
    loader_version VARCHAR NOT NULL,  -- fingerprint of the loader code and reference data that produced the rows
    loaded_at TIMESTAMP NOT NULL,  -- when the report was loaded (UTC)
    text_chars INTEGER,  -- letters and digits in the document's text (paragraphs and table cells)
    used_chars INTEGER,  -- of those, the characters a reader used (metadata, headings, synopsis, titles, ratings, notes)
    coverage DOUBLE,  -- used_chars / text_chars: share of the document's text the loader read
    CHECK ((period_start IS NULL) = (period_start_precision IS NULL) AND day(period_start) = 1
           AND (period_start_precision = 'month' OR month(period_start) = 1)),
    CHECK ((period_end IS NULL) = (period_end_precision IS NULL) AND day(period_end) = 1
           AND (period_end_precision = 'month' OR month(period_end) = 1))
);

-- core_synopsis: One row per paragraph of Part A (the synopsis) of a report.
CREATE TABLE IF NOT EXISTS core_synopsis (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    paragraph_index INTEGER NOT NULL,  -- order in Part A
    heading VARCHAR NOT NULL,  -- sub-heading the paragraph sits under ('' before the first)
    text VARCHAR NOT NULL,  -- paragraph text
    PRIMARY KEY (report_id, paragraph_index)
);

-- core_actions: One row per action per report, merged from Part B and Part C.
CREATE TABLE IF NOT EXISTS core_actions (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action number as the Party writes it (1.1, A.1, E9, ix))
    sort_order INTEGER NOT NULL,  -- order of the action in the report
    pillar_number INTEGER,  -- pillar (category) number in the report
    pillar_name VARCHAR,  -- pillar name as the Party writes it (Part B's when Part C has a placeholder)
    pillar_code VARCHAR REFERENCES core_codes_pillars (pillar_code),  -- standard pillar it maps to, when the mapping is clear
    title VARCHAR NOT NULL,  -- action title, merged across page breaks, without brackets
    is_priority BOOLEAN NOT NULL,  -- the report marks the action with '*' (meaning not stated by the template)
    rating_code VARCHAR REFERENCES core_codes_ratings (rating_code),  -- canonical rating (Part C's when real, else Part B's); NULL = not rated
    rating_label_summary VARCHAR,  -- raw rating label of Part B (the column header)
    rating_label_detailed VARCHAR,  -- raw rating label of Part C
    rating_source VARCHAR CHECK (rating_source IN ('detailed', 'summary', 'correction')),  -- table the canonical rating was taken from: detailed (Part C) or summary (Part B), or correction (an editor's, data/corrections.csv); NULL when not rated
    delayed BOOLEAN NOT NULL,  -- the notes or the synopsis say the action is behind schedule
    planned_start DATE,  -- when the action is due to begin: the first day of its month, or of its year when only a year is given; NULL if not stated
    planned_start_precision VARCHAR CHECK (planned_start_precision IN ('month', 'year')),  -- how precisely the report gave planned_start: month or year; NULL when planned_start is NULL
    expected_completion DATE,  -- when completion is expected: the first day of its month, or of its year when only a year is given; NULL if not stated
    expected_completion_precision VARCHAR CHECK (expected_completion_precision IN ('month', 'year')),  -- how precisely the report gave expected_completion: month or year; NULL when expected_completion is NULL
    provenance VARCHAR NOT NULL,  -- tables and rows the action was read from
    PRIMARY KEY (report_id, action_code),
    CHECK ((planned_start IS NULL) = (planned_start_precision IS NULL) AND day(planned_start) = 1
           AND (planned_start_precision = 'month' OR month(planned_start) = 1)),
    CHECK ((expected_completion IS NULL) = (expected_completion_precision IS NULL) AND day(expected_completion) = 1
           AND (expected_completion_precision = 'month' OR month(expected_completion) = 1))
);

-- core_notes: One row per bullet or paragraph of an action's progress summary.
CREATE TABLE IF NOT EXISTS core_notes (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    note_index INTEGER NOT NULL,  -- order of the note in the progress summary
    text VARCHAR NOT NULL,  -- the note, as text
    is_comment BOOLEAN NOT NULL,  -- written in italics: the Party's comment rather than a progress item
    provenance VARCHAR NOT NULL,  -- table and row the note was read from
    PRIMARY KEY (report_id, action_code, note_index)
);

-- core_delay_causes: One row per cause of delay of an action, with its evidence.
CREATE TABLE IF NOT EXISTS core_delay_causes (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    fact_index INTEGER NOT NULL,  -- order of the fact for the action
    cause VARCHAR NOT NULL REFERENCES core_codes_delay_causes (cause),  -- cause of delay
    found_in VARCHAR NOT NULL CHECK (found_in IN ('synopsis', 'notes', 'correction')),  -- where the sentence was found: synopsis (Part A) or notes (the action's progress summary), or correction (an editor's correction, data/corrections.csv)
    evidence VARCHAR NOT NULL,  -- the sentence that supports the fact
    matched VARCHAR NOT NULL,  -- the words of the sentence that matched the lexicon
    PRIMARY KEY (report_id, action_code, fact_index)
);

-- core_funding: One row per funding fact of an action (secured or sought), with its evidence.
CREATE TABLE IF NOT EXISTS core_funding (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    fact_index INTEGER NOT NULL,  -- order of the fact for the action
    status VARCHAR NOT NULL CHECK (status IN ('secured', 'sought')),  -- secured or sought
    found_in VARCHAR NOT NULL CHECK (found_in IN ('synopsis', 'notes', 'correction')),  -- where the sentence was found: synopsis (Part A) or notes (the action's progress summary), or correction (an editor's correction, data/corrections.csv)
    evidence VARCHAR NOT NULL,  -- the sentence that supports the fact
    matched VARCHAR NOT NULL,  -- the words of the sentence that matched the lexicon
    PRIMARY KEY (report_id, action_code, fact_index)
);

-- core_timing: One row per planned start or expected completion of an action, with its evidence.
CREATE TABLE IF NOT EXISTS core_timing (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    fact_index INTEGER NOT NULL,  -- order of the fact for the action
    kind VARCHAR NOT NULL CHECK (kind IN ('planned_start', 'expected_completion')),  -- planned_start or expected_completion
    value DATE NOT NULL,  -- the date (for a window, its end): the first day of its month, or of its year when only a year is given
    value_precision VARCHAR NOT NULL CHECK (value_precision IN ('month', 'year')),  -- how precisely the report gave value: month or year
    window_start DATE,  -- start of a stated window ("within 6-9 months" -> end of period + 6 months): the first day of its month, or of its year when only a year is given; NULL if not stated
    window_start_precision VARCHAR CHECK (window_start_precision IN ('month', 'year')),  -- how precisely the report gave window_start: month or year; NULL when window_start is NULL
    window_end DATE,  -- end of a stated window: the first day of its month, or of its year when only a year is given; NULL if not stated
    window_end_precision VARCHAR CHECK (window_end_precision IN ('month', 'year')),  -- how precisely the report gave window_end: month or year; NULL when window_end is NULL
    found_in VARCHAR NOT NULL CHECK (found_in IN ('synopsis', 'notes')),  -- where the sentence was found: synopsis (Part A) or notes (the action's progress summary)
    evidence VARCHAR NOT NULL,  -- the sentence that supports the fact
    matched VARCHAR NOT NULL,  -- the words of the sentence that matched the lexicon
    PRIMARY KEY (report_id, action_code, fact_index),
    CHECK (day(value) = 1 AND (value_precision = 'month' OR month(value) = 1)),
    CHECK ((window_start IS NULL) = (window_start_precision IS NULL) AND day(window_start) = 1
           AND (window_start_precision = 'month' OR month(window_start) = 1)),
    CHECK ((window_end IS NULL) = (window_end_precision IS NULL) AND day(window_end) = 1
           AND (window_end_precision = 'month' OR month(window_end) = 1))
);

-- core_unread_text: One row per paragraph or table cell of a report that no reader used.
CREATE TABLE IF NOT EXISTS core_unread_text (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    item_index INTEGER NOT NULL,  -- order in the document
    location VARCHAR NOT NULL,  -- where the text is: page, paragraph or table, row and column
    text VARCHAR NOT NULL,  -- the paragraph or cell text no reader used
    PRIMARY KEY (report_id, item_index)
);

-- core_quality_issues: One row per quality issue found in a report.
CREATE TABLE IF NOT EXISTS core_quality_issues (
    report_id VARCHAR NOT NULL REFERENCES core_reports (report_id),  -- report (core_reports)
    issue_index INTEGER NOT NULL,  -- order of the issue in the report
    issue_code VARCHAR NOT NULL REFERENCES core_codes_quality_issues (issue_code),  -- issue code
    action_code VARCHAR,  -- action concerned (core_actions), NULL for the whole report
    message VARCHAR NOT NULL,  -- what is wrong and what the loader did
    evidence VARCHAR,  -- the text that shows it
    PRIMARY KEY (report_id, issue_index)
);

-- core_report_history: One row per version of a report that a newer file replaced (or a build
-- dropped): its file, when it was loaded and replaced, by whom and why. Kept across builds.
CREATE TABLE IF NOT EXISTS core_report_history (
    report_id VARCHAR NOT NULL,  -- Party ISO3 and meeting of the report, e.g. KHM-SC66
    file_sha256 VARCHAR NOT NULL,  -- SHA-256 of the file of the version replaced
    source_file VARCHAR NOT NULL,  -- file name of the version replaced
    source_path VARCHAR,  -- file path of the version replaced, as it was loaded
    loaded_at TIMESTAMP NOT NULL,  -- when the version replaced had been loaded (UTC)
    replaced_at TIMESTAMP NOT NULL,  -- when it was replaced or dropped (UTC)
    replaced_by VARCHAR NOT NULL,  -- who replaced it: $NIAP_EDITOR, the editor signed in to the app, or user@host
    reason VARCHAR NOT NULL,  -- why, e.g. a new version of the report, an older period forced with --replace-newer, a build
    new_file_sha256 VARCHAR,  -- SHA-256 of the file that replaced it; NULL when a build dropped the report
    new_source_file VARCHAR,  -- file name of the file that replaced it; NULL when a build dropped the report
    PRIMARY KEY (report_id, replaced_at)
);

-- core_corrections: One row per correction of data/corrections.csv: an editor's new value for a
-- rating, the delay causes or the funding status of one action, and whether it applies.
CREATE TABLE IF NOT EXISTS core_corrections (
    correction_id VARCHAR PRIMARY KEY,  -- identifier of the correction (its row in data/corrections.csv)
    line_number INTEGER NOT NULL,  -- line of data/corrections.csv the correction is on
    report_id VARCHAR NOT NULL,  -- report corrected, Party ISO3 and meeting, e.g. KHM-SC66 (may no longer be loaded)
    party_iso3 VARCHAR NOT NULL,  -- Party of the report corrected
    meeting_code VARCHAR NOT NULL,  -- meeting of the report corrected
    action_code VARCHAR NOT NULL,  -- action corrected, as the report numbers it
    field VARCHAR NOT NULL CHECK (field IN ('rating', 'delay_causes', 'funding')),  -- what was corrected: rating (a rating code), delay_causes (cause codes joined by ;) or funding (secured, sought, both joined by ;)
    old_value VARCHAR NOT NULL,  -- the value the loader had extracted when the correction was made ('' for none)
    new_value VARCHAR NOT NULL,  -- the editor's value ('' for none)
    reason VARCHAR NOT NULL,  -- why the editor corrected it
    editor VARCHAR NOT NULL,  -- who corrected it
    corrected_at TIMESTAMP NOT NULL,  -- when it was corrected (UTC)
    status VARCHAR NOT NULL CHECK (status IN ('applied', 'target_missing', 'original_changed', 'invalid')),  -- applied; target_missing (the report or action is not in the database); original_changed (the loader now extracts another value than old_value: review it); invalid (a value the code tables do not know)
    status_message VARCHAR NOT NULL  -- what happened, in a sentence
);

-- core_audit_log: One row per write an editor or a loader made: reports added or replaced,
-- corrections, builds. Kept across builds.
CREATE TABLE IF NOT EXISTS core_audit_log (
    event_id VARCHAR PRIMARY KEY,  -- identifier of the write
    event_at TIMESTAMP NOT NULL,  -- when (UTC)
    editor VARCHAR NOT NULL,  -- who: the editor signed in to the app, $NIAP_EDITOR, or user@host
    action VARCHAR NOT NULL CHECK (action IN ('added', 'replaced', 'corrected', 'rebuilt')),  -- added (a new report), replaced (a new version of a report), corrected, rebuilt (a build)
    via VARCHAR NOT NULL CHECK (via IN ('app', 'cli', 'build')),  -- where: app (an editor in the dashboard), cli (python -m loaders load) or build
    report_id VARCHAR,  -- report concerned, e.g. KHM-SC66; NULL for a build
    action_code VARCHAR,  -- action corrected; NULL otherwise
    file_sha256 VARCHAR,  -- SHA-256 of the file loaded; NULL otherwise
    source_file VARCHAR,  -- name of the file loaded (as uploaded); NULL otherwise
    detail VARCHAR NOT NULL  -- what was done, in a sentence
);

-- ---------------------------------------------------------------- public views

-- A date stored as its first day and a precision, back to the text the report gave.
CREATE OR REPLACE MACRO date_text(first_day, date_precision) AS
    CASE date_precision WHEN 'month' THEN strftime(first_day, '%Y-%m') WHEN 'year' THEN strftime(first_day, '%Y') END;

-- out_reports: One row per loaded report: its Party, meeting, period, template and source file,
-- with counts of what was read.
--   report_id: Party ISO3 and meeting, e.g. KHM-SC66 (one report per Party and meeting)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   meeting_start_date: first day of the meeting (NULL when not known)
--   meeting_end_date: last day of the meeting (NULL when not known)
--   meeting_city: city where the meeting was held
--   meeting_country: country where the meeting was held
--   period_start: start of the reporting period: the first day of its month, or of its year when only a year is given; NULL if not stated
--   period_start_precision: how precisely the report gave period_start: month or year; NULL when period_start is NULL
--   period_start_text: period_start as the report gave it: YYYY-MM, or YYYY when only a year is given
--   period_end: end of the reporting period: the first day of its month, or of its year when only a year is given; NULL if not stated
--   period_end_precision: how precisely the report gave period_end: month or year; NULL when period_end is NULL
--   period_end_text: period_end as the report gave it: YYYY-MM, or YYYY when only a year is given
--   language: language of the report
--   rating_scale: template generation: 2014 (SC65-SC67) or 2017 (SC69 on)
--   title: report title as written
--   prepared_by: who prepared the report (NULL when not stated)
--   n_actions: number of actions read from the report
--   n_rated: actions with a canonical rating
--   n_delayed: actions said to be delayed
--   n_funding_sought: actions for which the report says funding is being sought
--   n_notes: notes (progress summary bullets) read from the report
--   n_quality_issues: quality issues found
--   is_demo: report of a fictional demo Party
--   file_sha256: SHA-256 of the source file's bytes
--   source_file: source file name
--   source_path: source file path as loaded (relative to the project when inside it)
--   size_bytes: source file size in bytes
--   format: format backend that read the file
--   loaded_at: when the report was loaded (UTC)
--   loader_version: fingerprint of the loader code and reference data that produced the rows
--   coverage: share of the document's text the loader used (0-1)
--   text_chars: letters and digits in the document's text
--   unread_chars: letters and digits no reader used (listed in out_unread_text)
CREATE OR REPLACE VIEW out_reports AS
SELECT
    r.report_id, r.party_iso3, p.party_name, r.meeting_code, m.number AS meeting_number,
    m.start_date AS meeting_start_date, m.end_date AS meeting_end_date,
    m.city AS meeting_city, m.country AS meeting_country,
    r.period_start, r.period_start_precision, date_text(r.period_start, r.period_start_precision) AS period_start_text,
    r.period_end, r.period_end_precision, date_text(r.period_end, r.period_end_precision) AS period_end_text,
    r.language, r.rating_scale, r.title, r.prepared_by,
    r.n_actions,
    (SELECT count(*) FROM core_actions a WHERE a.report_id = r.report_id AND a.rating_code IS NOT NULL) AS n_rated,
    (SELECT count(*) FROM core_actions a WHERE a.report_id = r.report_id AND a.delayed) AS n_delayed,
    (SELECT count(DISTINCT f.action_code) FROM core_funding f
      WHERE f.report_id = r.report_id AND f.status = 'sought') AS n_funding_sought,
    (SELECT count(*) FROM core_notes n WHERE n.report_id = r.report_id) AS n_notes,
    (SELECT count(*) FROM core_quality_issues q WHERE q.report_id = r.report_id) AS n_quality_issues,
    r.is_demo, r.file_sha256, r.source_file, r.source_path, f.size_bytes, r.format,
    r.loaded_at, r.loader_version,
    r.coverage, r.text_chars, r.text_chars - r.used_chars AS unread_chars
FROM core_reports r
JOIN core_parties p USING (party_iso3)
JOIN core_meetings m USING (meeting_code)
LEFT JOIN raw_files f USING (file_sha256);

-- out_actions: One row per action per report: Party, meeting, period, pillar, rating, delay,
-- causes, funding and timing.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   period_start: start of the reporting period: the first day of its month, or of its year when only a year is given; NULL if not stated
--   period_start_precision: how precisely the report gave period_start: month or year; NULL when period_start is NULL
--   period_start_text: period_start as the report gave it: YYYY-MM, or YYYY when only a year is given
--   period_end: end of the reporting period: the first day of its month, or of its year when only a year is given; NULL if not stated
--   period_end_precision: how precisely the report gave period_end: month or year; NULL when period_end is NULL
--   period_end_text: period_end as the report gave it: YYYY-MM, or YYYY when only a year is given
--   rating_scale: template generation: 2014 (SC65-SC67) or 2017 (SC69 on)
--   pillar_number: pillar number in the report
--   pillar_name: pillar name as the Party writes it
--   pillar_code: standard pillar, when the mapping is clear (NULL otherwise)
--   pillar_label: English name of the standard pillar (NULL when unmapped)
--   action_code: action number as the Party writes it (1.1, A.1, E9, ix))
--   action_title: action title
--   action_order: order of the action in the report
--   is_priority: marked with '*' in the report
--   rating_code: canonical rating, or not_rated (blank or placeholder)
--   rating_code_label: English label of rating_code
--   rating_label: the report's own label for the rating used (Part C's, or Part B's when Part C has none)
--   rating_label_summary: raw label of Part B
--   rating_label_detailed: raw label of Part C
--   rating_source: table the rating was taken from: detailed (Part C) or summary (Part B), or correction (an editor's, data/corrections.csv); NULL when not rated
--   rating_sort_order: position of the rating in the scale, best first
--   crosswalk_code: rating on the common 2017+ scale (core_rating_crosswalk; an analyst's convention)
--   delayed: the notes or the synopsis say the action is behind schedule
--   delay_causes: causes of delay, distinct and sorted; empty when none (one row each in out_delay_causes)
--   funding_secured: the report says funding was secured for the action
--   funding_sought: the report says funding is being sought for the action
--   planned_start: when the action is due to begin: the first day of its month, or of its year when only a year is given; NULL if not stated
--   planned_start_precision: how precisely the report gave planned_start: month or year; NULL when planned_start is NULL
--   planned_start_text: planned_start as the report gave it: YYYY-MM, or YYYY when only a year is given
--   expected_completion: when completion is expected: the first day of its month, or of its year when only a year is given; NULL if not stated
--   expected_completion_precision: how precisely the report gave expected_completion: month or year; NULL when expected_completion is NULL
--   expected_completion_text: expected_completion as the report gave it: YYYY-MM, or YYYY when only a year is given
--   n_notes: notes of the action (listed in out_notes)
--   n_quality_issues: quality issues about this action
--   corrected_fields: fields an editor's correction (data/corrections.csv) changed, e.g. [rating]; [] when none
--   correction_note: what was corrected: the original value, the new one, by whom, when and why; NULL when not corrected
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_actions AS
SELECT
    a.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
    r.period_start, r.period_start_precision, r.period_start_text,
    r.period_end, r.period_end_precision, r.period_end_text,
    r.rating_scale,
    a.pillar_number, a.pillar_name, a.pillar_code, pl.label AS pillar_label,
    a.action_code, a.title AS action_title, a.sort_order AS action_order, a.is_priority,
    COALESCE(a.rating_code, 'not_rated') AS rating_code, cr.label AS rating_code_label,
    CASE a.rating_source WHEN 'summary' THEN a.rating_label_summary WHEN 'detailed' THEN a.rating_label_detailed
         WHEN 'correction' THEN cr.label ELSE COALESCE(a.rating_label_detailed, a.rating_label_summary) END AS rating_label,
    a.rating_label_summary, a.rating_label_detailed, a.rating_source,
    cr.sort_order AS rating_sort_order, cw.crosswalk_code,
    a.delayed,
    COALESCE((SELECT list(DISTINCT d.cause ORDER BY d.cause) FROM core_delay_causes d
               WHERE d.report_id = a.report_id AND d.action_code = a.action_code), []) AS delay_causes,
    EXISTS (SELECT 1 FROM core_funding f WHERE f.report_id = a.report_id
            AND f.action_code = a.action_code AND f.status = 'secured') AS funding_secured,
    EXISTS (SELECT 1 FROM core_funding f WHERE f.report_id = a.report_id
            AND f.action_code = a.action_code AND f.status = 'sought') AS funding_sought,
    a.planned_start, a.planned_start_precision,
    date_text(a.planned_start, a.planned_start_precision) AS planned_start_text,
    a.expected_completion, a.expected_completion_precision,
    date_text(a.expected_completion, a.expected_completion_precision) AS expected_completion_text,
    (SELECT count(*) FROM core_notes n WHERE n.report_id = a.report_id AND n.action_code = a.action_code) AS n_notes,
    (SELECT count(*) FROM core_quality_issues q WHERE q.report_id = a.report_id
      AND q.action_code = a.action_code) AS n_quality_issues,
    COALESCE((SELECT list(c.field ORDER BY c.field) FROM core_corrections c WHERE c.report_id = a.report_id
               AND c.action_code = a.action_code AND c.status = 'applied'), []) AS corrected_fields,
    (SELECT string_agg(c.field || ' corrected from ''' || c.old_value || ''' to ''' || c.new_value || ''' by '
                       || c.editor || ' on ' || strftime(c.corrected_at, '%Y-%m-%d') || ': ' || c.reason, '; '
                       ORDER BY c.corrected_at)
       FROM core_corrections c WHERE c.report_id = a.report_id AND c.action_code = a.action_code
        AND c.status = 'applied') AS correction_note,
    r.is_demo, r.source_file
FROM core_actions a
JOIN out_reports r USING (report_id)
LEFT JOIN core_codes_pillars pl ON pl.pillar_code = a.pillar_code
LEFT JOIN core_codes_ratings cr ON cr.rating_code = COALESCE(a.rating_code, 'not_rated')
LEFT JOIN core_rating_crosswalk cw ON cw.rating_code = COALESCE(a.rating_code, 'not_rated');

-- out_rating_shares: Party x meeting x assessor x rating, with count and share: counted from parsed
-- reports and published in the Secretariat's documents (for demo Parties, the demo corpus's
-- fictional Secretariat assessments), the source named.
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the ratings were reported to
--   meeting_number: meeting number, for sorting
--   assessor: party (self-rating) or secretariat
--   rating_scale: template generation: 2014 (SC65-SC67) or 2017 (SC69 on)
--   rating_code: canonical rating, or not_rated (blank or placeholder in a parsed report)
--   rating_sort_order: position of the rating in the scale, best first
--   action_count: number of actions with the rating (NULL when only a share is published)
--   n_actions: number of actions the share refers to (NULL when not published)
--   share_pct: share of the actions with the rating, in percent
--   origin: report (counted from a parsed report) or reference (published figure, or a demo corpus's fictional one)
--   source: the report file, or the document the published figure comes from
--   is_demo: figures of a fictional demo Party (from its report, or from the demo Secretariat assessments)
CREATE OR REPLACE VIEW out_rating_shares AS
WITH parsed AS (
    SELECT r.party_iso3, r.meeting_code, 'party' AS assessor, r.rating_scale,
           COALESCE(a.rating_code, 'not_rated') AS rating_code,
           count(*) AS action_count, any_value(r.n_actions) AS n_actions,
           100.0 * count(*) / any_value(r.n_actions) AS share_pct,
           'report' AS origin, any_value(r.source_file) AS source, any_value(r.is_demo) AS is_demo
    FROM core_actions a JOIN core_reports r USING (report_id)
    GROUP BY r.party_iso3, r.meeting_code, r.rating_scale, COALESCE(a.rating_code, 'not_rated')
), published AS (
    SELECT s.party_iso3, s.meeting_code, s.assessor,
           CASE WHEN s.rating_scale = 'sc65' THEN '2014' ELSE '2017' END AS rating_scale,
           s.rating_code, s.action_count, s.n_actions,
           COALESCE(s.share_pct, 100.0 * s.action_count / NULLIF(s.n_actions, 0)) AS share_pct,
           'reference' AS origin, s.source_document AS source, s.is_demo
    FROM core_rating_summaries s
)
SELECT x.party_iso3, p.party_name, x.meeting_code, m.number AS meeting_number,
       x.assessor, x.rating_scale, x.rating_code, cr.sort_order AS rating_sort_order,
       x.action_count, x.n_actions, x.share_pct, x.origin, x.source, x.is_demo
FROM (SELECT * FROM parsed UNION ALL SELECT * FROM published) x
JOIN core_parties p ON p.party_iso3 = x.party_iso3
JOIN core_meetings m ON m.meeting_code = x.meeting_code
LEFT JOIN core_codes_ratings cr ON cr.rating_code = x.rating_code;

-- out_delay_causes: One row per cause of delay of an action, with the sentence that supports it.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   action_code: action number as the Party writes it (1.1, A.1, E9, ix))
--   action_title: action title
--   action_order: order of the action in the report
--   pillar_name: pillar name as the Party writes it
--   pillar_code: standard pillar, when the mapping is clear
--   rating_code: canonical rating of the action, or not_rated
--   fact_index: order of the fact among the action's facts of this kind
--   cause: cause of delay
--   found_in: where the sentence was found: synopsis (Part A) or notes (the action's progress summary), or correction (an editor's correction, data/corrections.csv)
--   evidence: the sentence that supports the fact
--   matched: the words of the sentence that matched the lexicon
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_delay_causes AS
SELECT d.report_id, o.party_iso3, o.party_name, o.meeting_code, o.meeting_number,
       d.action_code, o.action_title, o.action_order, o.pillar_name, o.pillar_code, o.rating_code,
       d.fact_index, d.cause, d.found_in, d.evidence, d.matched, o.is_demo, o.source_file
FROM core_delay_causes d
JOIN out_actions o ON o.report_id = d.report_id AND o.action_code = d.action_code;

-- out_funding: One row per funding fact (secured or sought) of an action, with the sentence that
-- supports it.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   action_code: action number as the Party writes it (1.1, A.1, E9, ix))
--   action_title: action title
--   action_order: order of the action in the report
--   pillar_name: pillar name as the Party writes it
--   pillar_code: standard pillar, when the mapping is clear
--   rating_code: canonical rating of the action, or not_rated
--   delayed: the action is said to be delayed
--   fact_index: order of the fact among the action's facts of this kind
--   status: secured or sought
--   found_in: where the sentence was found: synopsis (Part A) or notes (the action's progress summary), or correction (an editor's correction, data/corrections.csv)
--   evidence: the sentence that supports the fact
--   matched: the words of the sentence that matched the lexicon
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_funding AS
SELECT f.report_id, o.party_iso3, o.party_name, o.meeting_code, o.meeting_number,
       f.action_code, o.action_title, o.action_order, o.pillar_name, o.pillar_code, o.rating_code, o.delayed,
       f.fact_index, f.status, f.found_in, f.evidence, f.matched, o.is_demo, o.source_file
FROM core_funding f
JOIN out_actions o ON o.report_id = f.report_id AND o.action_code = f.action_code;

-- out_timing: One row per planned start or expected completion of an action, with the sentence that
-- supports it.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   action_code: action number as the Party writes it (1.1, A.1, E9, ix))
--   action_title: action title
--   action_order: order of the action in the report
--   fact_index: order of the fact among the action's facts of this kind
--   kind: planned_start or expected_completion
--   value: the date (for a window, its end): the first day of its month, or of its year when only a year is given; NULL if not stated
--   value_precision: how precisely the report gave value: month or year; NULL when value is NULL
--   value_text: value as the report gave it: YYYY-MM, or YYYY when only a year is given
--   window_start: start of a stated window: the first day of its month, or of its year when only a year is given; NULL if not stated
--   window_start_precision: how precisely the report gave window_start: month or year; NULL when window_start is NULL
--   window_start_text: window_start as the report gave it: YYYY-MM, or YYYY when only a year is given
--   window_end: end of a stated window: the first day of its month, or of its year when only a year is given; NULL if not stated
--   window_end_precision: how precisely the report gave window_end: month or year; NULL when window_end is NULL
--   window_end_text: window_end as the report gave it: YYYY-MM, or YYYY when only a year is given
--   found_in: where the sentence was found: synopsis (Part A) or notes (the action's progress summary)
--   evidence: the sentence that supports the fact
--   matched: the words of the sentence that matched the lexicon
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_timing AS
SELECT t.report_id, o.party_iso3, o.party_name, o.meeting_code, o.meeting_number,
       t.action_code, o.action_title, o.action_order, t.fact_index, t.kind,
       t.value, t.value_precision, date_text(t.value, t.value_precision) AS value_text,
       t.window_start, t.window_start_precision,
       date_text(t.window_start, t.window_start_precision) AS window_start_text,
       t.window_end, t.window_end_precision, date_text(t.window_end, t.window_end_precision) AS window_end_text,
       t.found_in, t.evidence, t.matched, o.is_demo, o.source_file
FROM core_timing t
JOIN out_actions o ON o.report_id = t.report_id AND o.action_code = t.action_code;

-- out_quality_issues: One row per quality issue of a report, with the text that shows it.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   issue_index: order of the issue in the report
--   issue_code: issue code
--   severity: info, warning or error
--   issue_label: short label of the issue
--   action_code: action concerned, NULL for the whole report
--   action_title: title of the action concerned, NULL for the whole report
--   pillar_code: standard pillar of the action concerned (NULL for the whole report or when unmapped)
--   message: what is wrong and what the loader did
--   evidence: the text that shows it
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_quality_issues AS
SELECT q.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
       q.issue_index, q.issue_code, c.severity, c.label AS issue_label, q.action_code,
       a.title AS action_title, a.pillar_code,
       q.message, q.evidence, r.is_demo, r.source_file
FROM core_quality_issues q
JOIN out_reports r USING (report_id)
LEFT JOIN core_actions a ON a.report_id = q.report_id AND a.action_code = q.action_code
LEFT JOIN core_codes_quality_issues c ON c.issue_code = q.issue_code;

-- out_unread_text: One row per paragraph or table cell of a report that no reader used.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   item_index: order in the document
--   location: page, paragraph or table, row and column
--   text: the text that was not read
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_unread_text AS
SELECT u.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
       u.item_index, u.location, u.text, r.is_demo, r.source_file
FROM core_unread_text u
JOIN out_reports r USING (report_id);

-- out_notes: One row per note (bullet or paragraph of an action's progress summary), in report
-- order.
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   action_code: action number as the Party writes it (1.1, A.1, E9, ix))
--   action_title: action title
--   action_order: order of the action in the report
--   note_index: order of the note in the action's progress summary
--   text: the note, as text
--   is_comment: written in italics: the Party's comment rather than a progress item
--   provenance: table and row the note was read from
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_notes AS
SELECT n.report_id, o.party_iso3, o.party_name, o.meeting_code, o.meeting_number,
       n.action_code, o.action_title, o.action_order, n.note_index, n.text, n.is_comment, n.provenance,
       o.is_demo, o.source_file
FROM core_notes n
JOIN out_actions o ON o.report_id = n.report_id AND o.action_code = n.action_code;

-- out_synopsis: One row per paragraph of a report's Part A (the synopsis).
--   report_id: report, Party ISO3 and meeting, e.g. KHM-SC66 (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   meeting_number: meeting number, for sorting
--   paragraph_index: order in Part A
--   heading: sub-heading the paragraph sits under ('' before the first)
--   text: paragraph text
--   is_demo: row of a fictional demo Party
--   source_file: name of the report's source file
CREATE OR REPLACE VIEW out_synopsis AS
SELECT s.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
       s.paragraph_index, s.heading, s.text, r.is_demo, r.source_file
FROM core_synopsis s
JOIN out_reports r USING (report_id);

-- out_codes_ratings: One row per rating code, best first by sort_order, with its place on the
-- common (2017+) scale.
--   rating_code: canonical rating code (achieved, on_track, ...; not_rated)
--   sort_order: position in the scale, best first
--   label: English label shown to users
--   colour: colour used for the rating in every chart (colour-blind safe)
--   description: what the rating means
--   in_2014_scale: used by the 2014-2016 template (SC65-SC67)
--   in_2017_scale: used by the 2017+ template (SC69 on)
--   crosswalk_code: rating it is shown as on the common 2017+ scale (an analyst's convention)
--   crosswalk_label: English label of crosswalk_code
--   crosswalk_sort_order: position of crosswalk_code in the scale
--   crosswalk_note: why, and what the mapping does not claim
CREATE OR REPLACE VIEW out_codes_ratings AS
SELECT c.rating_code, c.sort_order, c.label, c.colour, c.description, c.in_2014_scale, c.in_2017_scale,
       w.crosswalk_code, t.label AS crosswalk_label, t.sort_order AS crosswalk_sort_order, w.note AS crosswalk_note
FROM core_codes_ratings c
LEFT JOIN core_rating_crosswalk w ON w.rating_code = c.rating_code
LEFT JOIN core_codes_ratings t ON t.rating_code = w.crosswalk_code;

-- out_codes_delay_causes: One row per cause of delay, with its label and colour.
--   cause: cause code: funding, coordination, capacity, approval, external or unspecified
--   sort_order: display order
--   label: English label shown to users
--   colour: colour used for the cause in every chart
--   description: what the cause covers
CREATE OR REPLACE VIEW out_codes_delay_causes AS
SELECT cause, sort_order, label, colour, description FROM core_codes_delay_causes;

-- out_codes_pillars: One row per standard pillar of the 2017+ template.
--   pillar_code: standard pillar code
--   sort_order: pillar number in the template
--   label: English name of the pillar
CREATE OR REPLACE VIEW out_codes_pillars AS
SELECT pillar_code, sort_order, label FROM core_codes_pillars;

-- out_codes_quality_issues: One row per quality issue code.
--   issue_code: quality issue code
--   severity: info, warning or error
--   label: short label shown to users
--   description: what the issue means and what the loader did about it
CREATE OR REPLACE VIEW out_codes_quality_issues AS
SELECT issue_code, severity, label, description FROM core_codes_quality_issues;

-- out_parties: One row per Party known to the database (reference list, demo Parties, Parties of
-- loaded reports), with what is known of it.
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   is_demo: a fictional Party of the demo corpus
--   source: where the code and name come from
--   n_reports: reports of the Party loaded
--   n_published: meetings with published rating figures for the Party (core_rating_summaries)
--   latest_category: NIAP category from the latest meeting a category applies from (meetings without a known date count as earliest); NULL when none is known
CREATE OR REPLACE VIEW out_parties AS
SELECT p.party_iso3, p.party_name, p.is_demo, p.source,
       (SELECT count(*) FROM core_reports r WHERE r.party_iso3 = p.party_iso3) AS n_reports,
       (SELECT count(DISTINCT s.meeting_code) FROM core_rating_summaries s
         WHERE s.party_iso3 = p.party_iso3) AS n_published,
       (SELECT arg_max(c.category, (COALESCE(m.start_date, DATE '1900-01-01'), c.category))
          FROM core_party_categories c LEFT JOIN core_meetings m ON m.meeting_code = c.from_meeting
         WHERE c.party_iso3 = p.party_iso3) AS latest_category
FROM core_parties p;

-- out_meetings: One row per CITES meeting known to the database, with the number of reports loaded
-- for it.
--   meeting_code: SC66, CoP17, ...
--   kind: SC (Standing Committee) or CoP (Conference of the Parties)
--   number: meeting number
--   city: where it was held (NULL when not known)
--   country: country where it was held (NULL when not known)
--   start_date: first day (NULL when not known)
--   end_date: last day (NULL when not known)
--   niap_document: the meeting document on NIAPs
--   note: caveats on the facts above
--   n_reports: reports loaded for the meeting
CREATE OR REPLACE VIEW out_meetings AS
SELECT m.meeting_code, m.kind, m.number, m.city, m.country, m.start_date, m.end_date, m.niap_document, m.note,
       (SELECT count(*) FROM core_reports r WHERE r.meeting_code = m.meeting_code) AS n_reports
FROM core_meetings m;

-- out_party_categories: One row per Party, meeting from which a category applies, and category.
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it
--   category: NIAP category: primary/secondary concern, importance to watch (to 2017), Category A/B/C (from SC69)
--   from_meeting: meeting from which the category applies
--   source: document that states the category
--   note: caveats, e.g. sources that disagree
CREATE OR REPLACE VIEW out_party_categories AS
SELECT c.party_iso3, p.party_name, c.category, c.from_meeting, c.source, c.note
FROM core_party_categories c
JOIN core_parties p USING (party_iso3);

-- out_report_history: One row per replaced version of a report, newest first: which file it was,
-- when it was loaded and replaced, by whom, why, and the file that replaced it.
--   report_id: Party ISO3 and meeting, e.g. KHM-SC66
--   party_iso3: Party (ISO 3166 alpha-3; XA..XZ user-assigned codes for fictional demo Parties)
--   party_name: Party name as CITES writes it (NULL when the Party is no longer in the database)
--   meeting_code: meeting the report was prepared for (SC66, ...)
--   is_demo: report of a fictional demo Party
--   file_sha256: SHA-256 of the file of the version replaced
--   source_file: file name of the version replaced
--   source_path: file path of the version replaced, as it was loaded
--   loaded_at: when the version replaced had been loaded (UTC)
--   replaced_at: when it was replaced or dropped (UTC)
--   replaced_by: who replaced it: $NIAP_EDITOR, the editor signed in to the app, or user@host
--   reason: why, e.g. a new version of the report, an older period forced with --replace-newer, a build
--   new_file_sha256: SHA-256 of the file that replaced it; NULL when a build dropped the report
--   new_source_file: file name of the file that replaced it; NULL when a build dropped the report
--   is_current: the report is in the database now (false when a build dropped it)
CREATE OR REPLACE VIEW out_report_history AS
SELECT h.report_id, split_part(h.report_id, '-', 1) AS party_iso3, p.party_name,
       substr(h.report_id, length(split_part(h.report_id, '-', 1)) + 2) AS meeting_code,
       COALESCE(p.is_demo, false) AS is_demo,
       h.file_sha256, h.source_file, h.source_path, h.loaded_at, h.replaced_at, h.replaced_by, h.reason,
       h.new_file_sha256, h.new_source_file,
       EXISTS (SELECT 1 FROM core_reports r WHERE r.report_id = h.report_id) AS is_current
FROM core_report_history h
LEFT JOIN core_parties p ON p.party_iso3 = split_part(h.report_id, '-', 1)
ORDER BY h.replaced_at DESC, h.report_id;

-- out_corrections: One row per correction of data/corrections.csv, newest first, with whether it
-- applies to the data loaded now.
--   correction_id: identifier of the correction (its row in data/corrections.csv)
--   line_number: line of data/corrections.csv the correction is on
--   report_id: report corrected, e.g. KHM-SC66 (may no longer be loaded)
--   party_iso3: Party of the report corrected
--   party_name: Party name as CITES writes it (NULL when the Party is not in the database)
--   meeting_code: meeting of the report corrected
--   action_code: action corrected, as the report numbers it
--   action_title: title of the action (NULL when the action is not in the database)
--   field: what was corrected: rating, delay_causes or funding
--   old_value: the value the loader had extracted when the correction was made ('' for none)
--   new_value: the editor's value ('' for none)
--   reason: why the editor corrected it
--   editor: who corrected it
--   corrected_at: when it was corrected (UTC)
--   status: applied, target_missing, original_changed or invalid (see core_corrections)
--   status_message: what happened, in a sentence
--   is_demo: correction of a fictional demo Party's report
CREATE OR REPLACE VIEW out_corrections AS
SELECT c.correction_id, c.line_number, c.report_id, c.party_iso3, p.party_name, c.meeting_code,
       c.action_code, a.title AS action_title, c.field, c.old_value, c.new_value, c.reason, c.editor,
       c.corrected_at, c.status, c.status_message, COALESCE(p.is_demo, false) AS is_demo
FROM core_corrections c
LEFT JOIN core_parties p ON p.party_iso3 = c.party_iso3
LEFT JOIN core_actions a ON a.report_id = c.report_id AND a.action_code = c.action_code
ORDER BY c.corrected_at DESC, c.line_number DESC;

-- out_audit_log: One row per write, newest first: reports added or replaced (in the app or from the
-- command line), corrections and builds, with who made them.
--   event_id: identifier of the write
--   event_at: when (UTC)
--   editor: who: the editor signed in to the app, $NIAP_EDITOR, or user@host
--   action: added, replaced, corrected or rebuilt
--   via: app, cli or build
--   report_id: report concerned, e.g. KHM-SC66; NULL for a build
--   party_name: Party name of the report (NULL for a build)
--   action_code: action corrected; NULL otherwise
--   file_sha256: SHA-256 of the file loaded; NULL otherwise
--   source_file: name of the file loaded (as uploaded); NULL otherwise
--   detail: what was done, in a sentence
CREATE OR REPLACE VIEW out_audit_log AS
SELECT l.event_id, l.event_at, l.editor, l.action, l.via, l.report_id, p.party_name, l.action_code,
       l.file_sha256, l.source_file, l.detail
FROM core_audit_log l
LEFT JOIN core_parties p ON p.party_iso3 = split_part(l.report_id, '-', 1)
ORDER BY l.event_at DESC, l.event_id;
