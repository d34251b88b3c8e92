-- Schema of the NIAP progress database (DuckDB). Applied on every run by
-- loaders.store.ensure_schema: tables are created if missing, views replaced.
-- Layers: raw_* (verbatim document content with provenance), core_* (normalised
-- entities and code tables), out_* (views for the dashboard and for analysts).
-- Every table column carries a one-line description after "--"; every view lists its
-- columns in the comment above it. tests/test_schema.py checks both.

-- ---------------------------------------------------------------- raw layer

CREATE TABLE IF NOT EXISTS raw_files (
    file_sha256 VARCHAR PRIMARY KEY,  -- SHA-256 of the file's bytes
    file_name VARCHAR NOT NULL,  -- file name as loaded
    file_path VARCHAR NOT NULL,  -- path as given to the loader (relative to the project when inside it)
    format VARCHAR NOT NULL,  -- format backend that read it (text, docx, pdf)
    size_bytes BIGINT NOT NULL,  -- file size in bytes
    loaded_at TIMESTAMP NOT NULL  -- when the file was loaded (UTC)
);

CREATE TABLE IF NOT EXISTS raw_paragraphs (
    file_sha256 VARCHAR NOT NULL,  -- file the paragraph comes from (raw_files)
    block_index INTEGER NOT NULL,  -- position of the paragraph among the document's blocks
    page INTEGER,  -- page number when the format has pages, else NULL
    is_heading BOOLEAN NOT NULL,  -- the paragraph is a heading
    text VARCHAR NOT NULL,  -- paragraph text, verbatim apart from markup
    PRIMARY KEY (file_sha256, block_index)
);

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

CREATE TABLE IF NOT EXISTS core_codes_ratings (
    rating_code VARCHAR PRIMARY KEY,  -- canonical rating code (achieved, on_track, ...; not_rated)
    sort_order INTEGER NOT NULL,  -- position in the scale, best first
    label VARCHAR NOT NULL,  -- English label shown to users
    in_2014_scale BOOLEAN NOT NULL,  -- used by the 2014-2016 template (SC65-SC67)
    in_2017_scale BOOLEAN NOT NULL,  -- used by the 2017+ template (SC69 on)
    colour VARCHAR NOT NULL,  -- colour used for the rating in every chart (colour-blind safe)
    description VARCHAR NOT NULL  -- what the rating means
);

CREATE TABLE IF NOT EXISTS core_codes_quality_issues (
    issue_code VARCHAR PRIMARY KEY,  -- quality issue code
    severity VARCHAR NOT NULL,  -- info, warning or error
    label VARCHAR NOT NULL,  -- short label shown to users
    description VARCHAR NOT NULL  -- what the issue means and what the loader did about it
);

CREATE TABLE IF NOT EXISTS core_codes_pillars (
    pillar_code VARCHAR PRIMARY KEY,  -- standard pillar of the 2017+ template
    sort_order INTEGER NOT NULL,  -- pillar number in the template
    label VARCHAR NOT NULL  -- English name of the pillar
);

-- ---------------------------------------------------------------- reference facts

CREATE TABLE IF NOT EXISTS core_parties (
    party_iso3 VARCHAR PRIMARY KEY,  -- ISO 3166 alpha-3 code (XA..XZ user-assigned codes for demo Parties)
    party_name VARCHAR NOT NULL,  -- name as CITES writes it
    is_demo BOOLEAN NOT NULL,  -- a fictional Party of the demo corpus
    source VARCHAR NOT NULL  -- where the code and name come from
);

CREATE TABLE IF NOT EXISTS core_meetings (
    meeting_code VARCHAR PRIMARY KEY,  -- SC66, CoP17, ...
    kind VARCHAR NOT NULL,  -- SC (Standing Committee) or CoP (Conference of the Parties)
    number INTEGER NOT NULL,  -- meeting number
    city VARCHAR,  -- where it was held
    country VARCHAR,  -- country where it was held
    start_date DATE,  -- first day
    end_date DATE,  -- last day
    niap_document VARCHAR,  -- the meeting document on NIAPs
    note VARCHAR  -- caveats on the facts above
);

CREATE TABLE IF NOT EXISTS core_party_categories (
    party_iso3 VARCHAR NOT NULL,  -- Party (ISO 3166 alpha-3)
    category VARCHAR NOT NULL,  -- NIAP category: primary/secondary concern, importance to watch, Category A/B/C
    from_meeting VARCHAR NOT NULL,  -- meeting from which the category applies
    source VARCHAR NOT NULL,  -- document that states the category
    note VARCHAR,  -- caveats, e.g. sources that disagree
    PRIMARY KEY (party_iso3, from_meeting, category)
);

CREATE TABLE IF NOT EXISTS core_rating_summaries (
    party_iso3 VARCHAR NOT NULL,  -- Party (ISO 3166 alpha-3)
    meeting_code VARCHAR NOT NULL,  -- meeting the ratings were reported to
    assessor VARCHAR NOT NULL,  -- party (self-rating) or secretariat
    rating_scale VARCHAR NOT NULL,  -- scale as named by the source (sc65 = 2014 template, cop17 = 2017+)
    rating_code VARCHAR NOT NULL,  -- canonical rating code
    share_pct DOUBLE,  -- share of the Party's actions with this rating, in percent, as published
    action_count INTEGER,  -- number of actions with this rating, when published
    n_actions INTEGER,  -- number of actions the share refers to, when published
    source_document VARCHAR NOT NULL,  -- document the figure is taken from
    note VARCHAR,  -- caveats
    is_demo BOOLEAN NOT NULL DEFAULT false,  -- fictional figures of a demo Party (secretariat_ratings.csv of the demo corpus)
    PRIMARY KEY (party_iso3, meeting_code, assessor, rating_code)
);
-- Databases written before is_demo existed gain the column (false: they held no demo figures).
ALTER TABLE core_rating_summaries ADD COLUMN IF NOT EXISTS is_demo BOOLEAN DEFAULT false;

-- ---------------------------------------------------------------- parsed reports

CREATE TABLE IF NOT EXISTS core_reports (
    report_id VARCHAR PRIMARY KEY,  -- Party ISO3 and meeting, e.g. KHM-SC66 (one report per Party and meeting)
    party_iso3 VARCHAR NOT NULL,  -- Party (ISO 3166 alpha-3)
    meeting_code VARCHAR NOT NULL,  -- meeting the report was prepared for
    period_start VARCHAR,  -- start of the reporting period (YYYY-MM or YYYY)
    period_end VARCHAR,  -- end of the reporting period (YYYY-MM or YYYY)
    language VARCHAR NOT NULL,  -- en, fr or es
    rating_scale VARCHAR NOT NULL,  -- template generation of the ratings: 2014 or 2017
    title VARCHAR NOT NULL,  -- report title as written
    prepared_by VARCHAR,  -- who prepared the report
    n_actions INTEGER NOT NULL,  -- number of actions read from the report
    file_sha256 VARCHAR NOT NULL,  -- source file (raw_files)
    source_file VARCHAR NOT NULL,  -- source file name
    source_path VARCHAR NOT NULL,  -- source file path as loaded
    format VARCHAR NOT NULL,  -- format backend that read the file
    is_demo BOOLEAN NOT NULL,  -- report of a fictional demo Party
    loader_version VARCHAR NOT NULL,  -- fingerprint of the loader code and reference data that produced the rows
    loaded_at TIMESTAMP NOT NULL,  -- when the report was loaded (UTC)
    text_chars INTEGER,  -- letters and digits in the document's text (paragraphs and table cells)
    used_chars INTEGER,  -- of those, the characters a reader used (metadata, headings, synopsis, titles, ratings, notes)
    coverage DOUBLE  -- used_chars / text_chars: share of the document's text the loader read
);
-- Databases made before coverage was recorded gain the columns (rebuild to fill them).
ALTER TABLE core_reports ADD COLUMN IF NOT EXISTS text_chars INTEGER;
ALTER TABLE core_reports ADD COLUMN IF NOT EXISTS used_chars INTEGER;
ALTER TABLE core_reports ADD COLUMN IF NOT EXISTS coverage DOUBLE;

CREATE TABLE IF NOT EXISTS core_synopsis (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    paragraph_index INTEGER NOT NULL,  -- order in Part A
    heading VARCHAR NOT NULL,  -- sub-heading the paragraph sits under ('' before the first)
    text VARCHAR NOT NULL,  -- paragraph text
    PRIMARY KEY (report_id, paragraph_index)
);

CREATE TABLE IF NOT EXISTS core_actions (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action number as the Party writes it (1.1, A.1, E9, ix))
    sort_order INTEGER NOT NULL,  -- order of the action in the report
    pillar_number INTEGER,  -- pillar (category) number in the report
    pillar_name VARCHAR,  -- pillar name as the Party writes it (Part B's when Part C has a placeholder)
    pillar_code VARCHAR,  -- standard pillar it maps to, when the mapping is clear (core_codes_pillars)
    title VARCHAR NOT NULL,  -- action title, merged across page breaks, without brackets
    is_priority BOOLEAN NOT NULL,  -- the report marks the action with '*' (meaning not stated by the template)
    rating_code VARCHAR,  -- canonical rating (Part C's when real, else Part B's); NULL = not rated
    rating_label_summary VARCHAR,  -- raw rating label of Part B (the column header)
    rating_label_detailed VARCHAR,  -- raw rating label of Part C
    rating_source VARCHAR,  -- table the canonical rating was taken from: detailed (Part C) or summary (Part B)
    delayed BOOLEAN NOT NULL,  -- the notes or the synopsis say the action is behind schedule
    planned_start VARCHAR,  -- when the action is due to begin (YYYY-MM or YYYY), if stated
    expected_completion VARCHAR,  -- when completion is expected (YYYY-MM), if stated
    provenance VARCHAR NOT NULL,  -- tables and rows the action was read from
    PRIMARY KEY (report_id, action_code)
);

CREATE TABLE IF NOT EXISTS core_notes (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    note_index INTEGER NOT NULL,  -- order of the note in the progress summary
    text VARCHAR NOT NULL,  -- the note, as text
    is_comment BOOLEAN NOT NULL,  -- written in italics: the Party's comment rather than a progress item
    provenance VARCHAR NOT NULL,  -- table and row the note was read from
    PRIMARY KEY (report_id, action_code, note_index)
);

CREATE TABLE IF NOT EXISTS core_delay_causes (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    fact_index INTEGER NOT NULL,  -- order of the fact for the action
    cause VARCHAR NOT NULL,  -- funding, coordination, capacity, approval, external or unspecified
    found_in VARCHAR NOT NULL,  -- synopsis (Part A) or notes (the action's progress summary)
    evidence VARCHAR NOT NULL,  -- the sentence that supports the fact
    matched VARCHAR NOT NULL,  -- the words of the sentence that matched the lexicon
    PRIMARY KEY (report_id, action_code, fact_index)
);

CREATE TABLE IF NOT EXISTS core_funding (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    fact_index INTEGER NOT NULL,  -- order of the fact for the action
    status VARCHAR NOT NULL,  -- secured or sought
    found_in VARCHAR NOT NULL,  -- synopsis (Part A) or notes (the action's progress summary)
    evidence VARCHAR NOT NULL,  -- the sentence that supports the fact
    matched VARCHAR NOT NULL,  -- the words of the sentence that matched the lexicon
    PRIMARY KEY (report_id, action_code, fact_index)
);

CREATE TABLE IF NOT EXISTS core_timing (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    action_code VARCHAR NOT NULL,  -- action (core_actions)
    fact_index INTEGER NOT NULL,  -- order of the fact for the action
    kind VARCHAR NOT NULL,  -- planned_start or expected_completion
    value VARCHAR NOT NULL,  -- the date (YYYY-MM or YYYY); for a window, its end
    window_start VARCHAR,  -- start of a window ("within 6-9 months" -> end of period + 6 months)
    window_end VARCHAR,  -- end of a window
    found_in VARCHAR NOT NULL,  -- synopsis (Part A) or notes (the action's progress summary)
    evidence VARCHAR NOT NULL,  -- the sentence that supports the fact
    matched VARCHAR NOT NULL,  -- the words of the sentence that matched the lexicon
    PRIMARY KEY (report_id, action_code, fact_index)
);

CREATE TABLE IF NOT EXISTS core_unread_text (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    item_index INTEGER NOT NULL,  -- order in the document
    location VARCHAR NOT NULL,  -- where the text is: page, paragraph or table, row and column
    text VARCHAR NOT NULL,  -- the paragraph or cell text no reader used
    PRIMARY KEY (report_id, item_index)
);

CREATE TABLE IF NOT EXISTS core_quality_issues (
    report_id VARCHAR NOT NULL,  -- report (core_reports)
    issue_index INTEGER NOT NULL,  -- order of the issue in the report
    issue_code VARCHAR NOT NULL,  -- issue code (core_codes_quality_issues)
    action_code VARCHAR,  -- action concerned, NULL for the whole report
    message VARCHAR NOT NULL,  -- what is wrong and what the loader did
    evidence VARCHAR,  -- the text that shows it
    PRIMARY KEY (report_id, issue_index)
);

-- ---------------------------------------------------------------- public views

-- out_reports: one row per loaded report.
--   report_id: Party ISO3 and meeting, e.g. KHM-SC66
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for
--   meeting_number: meeting number, for sorting
--   meeting_start_date: first day of the meeting
--   period_start: start of the reporting period
--   period_end: end of the reporting period
--   language: en, fr or es
--   rating_scale: 2014 or 2017 template
--   title: report title
--   prepared_by: who prepared the report
--   n_actions: number of actions
--   n_rated: actions with a canonical rating
--   n_delayed: actions said to be delayed
--   n_quality_issues: quality issues found
--   is_demo: report of a fictional demo Party
--   source_file: source file name
--   format: format backend that read the file
--   coverage: share of the document's text the loader used (0-1; NULL in databases built before it was measured)
--   text_chars: letters and digits in the document's text
--   unread_chars: letters and digits no reader used (listed in out_unread_text)
CREATE OR REPLACE VIEW out_reports AS
SELECT
    r.report_id, r.party_iso3, p.party_name, r.meeting_code,
    COALESCE(m.number, TRY_CAST(regexp_extract(r.meeting_code, '\d+') AS INTEGER)) AS meeting_number,
    m.start_date AS meeting_start_date,
    r.period_start, r.period_end, r.language, r.rating_scale, r.title, r.prepared_by,
    r.n_actions,
    (SELECT count(*) FROM core_actions a WHERE a.report_id = r.report_id AND a.rating_code IS NOT NULL) AS n_rated,
    (SELECT count(*) FROM core_actions a WHERE a.report_id = r.report_id AND a.delayed) AS n_delayed,
    (SELECT count(*) FROM core_quality_issues q WHERE q.report_id = r.report_id) AS n_quality_issues,
    r.is_demo, r.source_file, r.format,
    r.coverage, r.text_chars, r.text_chars - r.used_chars AS unread_chars
FROM core_reports r
JOIN core_parties p USING (party_iso3)
LEFT JOIN core_meetings m USING (meeting_code);

-- out_actions: one row per action per report.
--   report_id: report (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for
--   meeting_number: meeting number, for sorting
--   period_start: start of the reporting period
--   period_end: end of the reporting period
--   rating_scale: 2014 or 2017 template
--   pillar_number: pillar number in the report
--   pillar_name: pillar name as the Party writes it
--   pillar_code: standard pillar, when the mapping is clear
--   action_code: action number as the Party writes it
--   action_title: action title
--   action_order: order of the action in the report
--   is_priority: marked with '*' in the report
--   rating_code: canonical rating, or not_rated
--   rating_label: the report's own label for the rating used (Part C's, or Part B's when Part C has none)
--   rating_label_summary: raw label of Part B
--   rating_label_detailed: raw label of Part C
--   rating_sort_order: position of the rating in the scale
--   delayed: the notes or the synopsis say the action is behind schedule
--   delay_causes: causes of delay, comma-separated (funding, coordination, capacity, approval, external, unspecified)
--   funding_secured: the report says funding was secured for the action
--   funding_sought: the report says funding is being sought for the action
--   planned_start: when the action is due to begin, if stated
--   expected_completion: when completion is expected, if stated
--   n_quality_issues: quality issues about this action
--   is_demo: report of a fictional demo Party
--   source_file: source file name
CREATE OR REPLACE VIEW out_actions AS
SELECT
    a.report_id, r.party_iso3, p.party_name, r.meeting_code,
    COALESCE(m.number, TRY_CAST(regexp_extract(r.meeting_code, '\d+') AS INTEGER)) AS meeting_number,
    r.period_start, r.period_end, r.rating_scale,
    a.pillar_number, a.pillar_name, a.pillar_code,
    a.action_code, a.title AS action_title, a.sort_order AS action_order, a.is_priority,
    COALESCE(a.rating_code, 'not_rated') AS rating_code,
    CASE a.rating_source WHEN 'summary' THEN a.rating_label_summary WHEN 'detailed' THEN a.rating_label_detailed
         ELSE COALESCE(a.rating_label_detailed, a.rating_label_summary) END AS rating_label,
    a.rating_label_summary, a.rating_label_detailed,
    cr.sort_order AS rating_sort_order,
    a.delayed,
    (SELECT string_agg(DISTINCT d.cause, ', ' ORDER BY d.cause) FROM core_delay_causes d
      WHERE d.report_id = a.report_id AND d.action_code = a.action_code) AS delay_causes,
    EXISTS (SELECT 1 FROM core_funding f WHERE f.report_id = a.report_id
            AND f.action_code = a.action_code AND f.status = 'secured') AS funding_secured,
    EXISTS (SELECT 1 FROM core_funding f WHERE f.report_id = a.report_id
            AND f.action_code = a.action_code AND f.status = 'sought') AS funding_sought,
    a.planned_start, a.expected_completion,
    (SELECT count(*) FROM core_quality_issues q WHERE q.report_id = a.report_id
      AND q.action_code = a.action_code) AS n_quality_issues,
    r.is_demo, r.source_file
FROM core_actions a
JOIN core_reports r USING (report_id)
JOIN core_parties p ON p.party_iso3 = r.party_iso3
LEFT JOIN core_meetings m ON m.meeting_code = r.meeting_code
LEFT JOIN core_codes_ratings cr ON cr.rating_code = COALESCE(a.rating_code, 'not_rated');

-- out_rating_shares: Party x meeting x assessor x rating, from parsed reports and from
-- the reference summaries of the Secretariat's documents (and, for demo Parties, the
-- fictional Secretariat assessments of the demo corpus).
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the ratings were reported to
--   meeting_number: meeting number, for sorting
--   assessor: party (self-rating) or secretariat
--   rating_scale: 2014 or 2017 template
--   rating_code: canonical rating, or not_rated (blank or placeholder in a parsed report)
--   rating_sort_order: position of the rating in the scale
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
SELECT x.party_iso3, p.party_name, x.meeting_code,
       COALESCE(m.number, TRY_CAST(regexp_extract(x.meeting_code, '\d+') AS INTEGER)) AS meeting_number,
       x.assessor, x.rating_scale, x.rating_code, cr.sort_order AS rating_sort_order,
       x.action_count, x.n_actions, x.share_pct, x.origin, x.source, x.is_demo
FROM (SELECT * FROM parsed UNION ALL SELECT * FROM published) x
JOIN core_parties p ON p.party_iso3 = x.party_iso3
LEFT JOIN core_meetings m ON m.meeting_code = x.meeting_code
LEFT JOIN core_codes_ratings cr ON cr.rating_code = x.rating_code;

-- out_delay_causes: one row per cause of delay of an action, with its evidence.
--   report_id: report (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name
--   meeting_code: meeting the report was prepared for
--   meeting_number: meeting number, for sorting
--   action_code: action number
--   action_title: action title
--   pillar_name: pillar name as the Party writes it
--   pillar_code: standard pillar, when the mapping is clear
--   rating_code: canonical rating of the action, or not_rated
--   cause: funding, coordination, capacity, approval, external or unspecified
--   found_in: synopsis (Part A) or notes
--   evidence: the sentence that supports the fact
--   matched: the words that matched the lexicon
--   is_demo: report of a fictional demo Party
--   source_file: source file name
CREATE OR REPLACE VIEW out_delay_causes AS
SELECT d.report_id, o.party_iso3, o.party_name, o.meeting_code, o.meeting_number,
       d.action_code, o.action_title, o.pillar_name, o.pillar_code, o.rating_code,
       d.cause, d.found_in, d.evidence, d.matched, o.is_demo, o.source_file
FROM core_delay_causes d
JOIN out_actions o ON o.report_id = d.report_id AND o.action_code = d.action_code;

-- out_funding: one row per funding fact (secured or sought) of an action, with evidence.
--   report_id: report (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name
--   meeting_code: meeting the report was prepared for
--   meeting_number: meeting number, for sorting
--   action_code: action number
--   action_title: action title
--   pillar_name: pillar name as the Party writes it
--   pillar_code: standard pillar, when the mapping is clear
--   rating_code: canonical rating of the action, or not_rated
--   delayed: the action is said to be delayed
--   status: secured or sought
--   found_in: synopsis (Part A) or notes
--   evidence: the sentence that supports the fact
--   matched: the words that matched the lexicon
--   is_demo: report of a fictional demo Party
--   source_file: source file name
CREATE OR REPLACE VIEW out_funding AS
SELECT f.report_id, o.party_iso3, o.party_name, o.meeting_code, o.meeting_number,
       f.action_code, o.action_title, o.pillar_name, o.pillar_code, o.rating_code, o.delayed,
       f.status, f.found_in, f.evidence, f.matched, o.is_demo, o.source_file
FROM core_funding f
JOIN out_actions o ON o.report_id = f.report_id AND o.action_code = f.action_code;

-- out_timing: one row per planned start or expected completion of an action.
--   report_id: report (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name
--   meeting_code: meeting the report was prepared for
--   action_code: action number
--   action_title: action title
--   kind: planned_start or expected_completion
--   value: the date (YYYY-MM or YYYY)
--   window_start: start of a stated window
--   window_end: end of a stated window
--   found_in: synopsis (Part A) or notes
--   evidence: the sentence that supports the fact
--   matched: the words that matched the lexicon
--   is_demo: report of a fictional demo Party
CREATE OR REPLACE VIEW out_timing AS
SELECT t.report_id, o.party_iso3, o.party_name, o.meeting_code, t.action_code, o.action_title,
       t.kind, t.value, t.window_start, t.window_end, t.found_in, t.evidence, t.matched, o.is_demo
FROM core_timing t
JOIN out_actions o ON o.report_id = t.report_id AND o.action_code = t.action_code;

-- out_quality_issues: one row per quality issue, with the text that shows it.
--   report_id: report (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name
--   meeting_code: meeting the report was prepared for
--   meeting_number: meeting number, for sorting
--   issue_index: order of the issue in the report
--   issue_code: issue code
--   severity: info, warning or error
--   issue_label: short label of the issue
--   action_code: action concerned, NULL for the whole report
--   message: what is wrong and what the loader did
--   evidence: the text that shows it
--   is_demo: report of a fictional demo Party
--   source_file: source file name
CREATE OR REPLACE VIEW out_quality_issues AS
SELECT q.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
       q.issue_index, q.issue_code, c.severity, c.label AS issue_label, q.action_code,
       q.message, q.evidence, r.is_demo, r.source_file
FROM core_quality_issues q
JOIN out_reports r USING (report_id)
LEFT JOIN core_codes_quality_issues c USING (issue_code);

-- out_unread_text: one row per paragraph or table cell of a report that no reader used.
--   report_id: report (out_reports)
--   party_iso3: Party (ISO 3166 alpha-3)
--   party_name: Party name as CITES writes it
--   meeting_code: meeting the report was prepared for
--   meeting_number: meeting number, for sorting
--   item_index: order in the document
--   location: page, paragraph or table, row and column
--   text: the text that was not read
--   is_demo: report of a fictional demo Party
--   source_file: source file name
CREATE OR REPLACE VIEW out_unread_text AS
SELECT u.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
       u.item_index, u.location, u.text, r.is_demo, r.source_file
FROM core_unread_text u
JOIN out_reports r USING (report_id);
