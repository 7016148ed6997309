-- Search whose cost does not depend on how common the word is; filtered lists served by an index.
--
-- Relevance was ts_rank over every match: a word in 80% of 300,000 recommendations ("digital") ranked 240,000 rows
-- before the first page was cut (2 s). Relevance is now two tiers: a match in the title or name (weight A) before a
-- match anywhere else, newest first within a tier (UUID v7 ids are creation order). A page of one tier is then an
-- index walk in id order that stops after a page of matches when the word is common, or a GIN lookup of the few
-- matches when it is rare. Which of the two is decided per statement from the statistics ANALYZE keeps of each
-- search column (rt_common_term), so the server never walks the whole table for a rare word nor fetches every match
-- of a common one.

-- The title (or name) alone: the first tier, and a small document that an index walk checks cheaply.
ALTER TABLE events ADD COLUMN search_title tsvector GENERATED ALWAYS AS (public.rt_document(title, 'A')) STORED;
ALTER TABLE speakers ADD COLUMN search_title tsvector GENERATED ALWAYS AS (public.rt_document(full_name, 'A')) STORED;
ALTER TABLE institutions ADD COLUMN search_title tsvector
    GENERATED ALWAYS AS (public.rt_document(name, 'A') || public.rt_document(short_name, 'A')) STORED;
ALTER TABLE recommendations ADD COLUMN search_title tsvector GENERATED ALWAYS AS (public.rt_document(title, 'A')) STORED;

CREATE INDEX events_search_title_idx ON events USING gin (search_title);
CREATE INDEX speakers_search_title_idx ON speakers USING gin (search_title);
CREATE INDEX institutions_search_title_idx ON institutions USING gin (search_title);
CREATE INDEX recommendations_search_title_idx ON recommendations USING gin (search_title);

-- True when every word of the search string is common in the column (each word matches as a prefix: the summed
-- frequency of the column's most common lexemes that start with it, from pg_stats, is at least 5%). Common: walking
-- the table in id order finds a page of matches within about twenty rows per match. Otherwise (or without
-- statistics yet) the GIN index finds the matches. The choice changes only the plan, never the answer.
CREATE FUNCTION rt_common_term(value text, table_name text, column_name text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH words AS (
        SELECT unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(public.rt_fold(value), '')))) AS word
    ), stats AS (
        SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs
        FROM pg_catalog.pg_stats s
        WHERE s.schemaname = current_schema() AND s.tablename = table_name AND s.attname = column_name
    ), frequencies AS (
        SELECT w.word, (SELECT coalesce(sum(st.freqs[i]), 0)
                        FROM stats st, generate_subscripts(st.elems, 1) AS i
                        WHERE starts_with(st.elems[i], w.word)) AS frequency
        FROM words w
    )
    SELECT count(*) > 0 AND min(frequency) >= 0.05 FROM frequencies;
$$;

ANALYZE events, speakers, institutions, recommendations;

-- Filtered lists (events by country or kind, sorted by start): an index that has the rows of one country (kind) in
-- start order, so that a page is the index's next rows instead of a walk of every event in start order.
CREATE INDEX events_country_start_idx ON events (country, start_date, id);
CREATE INDEX events_kind_start_idx ON events (kind, start_date, id);
ANALYZE events;
