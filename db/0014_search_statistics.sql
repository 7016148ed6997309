-- rt_common_term read pg_stats on every call: 0.6-8 ms (the view checks privileges and decodes each statistics slot),
-- four times per search page. The common lexemes of the search columns are now kept in a materialized view, which
-- the API refreshes every few minutes (Search:StatisticsRefreshSeconds, 600) and this migration fills; the function reads
-- it in about 0.05 ms. An empty view (never refreshed) only makes every word count as rare: the answers are the same.
DROP FUNCTION rt_common_term(text, text, text);

CREATE MATERIALIZED VIEW rt_common_lexemes AS
SELECT s.tablename::text AS table_name, s.attname::text AS column_name, e.lexeme, e.frequency
FROM pg_catalog.pg_stats s,
     unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(lexeme, frequency)
-- The schema by name: PostgreSQL 17 refreshes a materialized view with a search_path of pg_catalog only.
WHERE s.schemaname = 'public' AND s.attname IN ('search', 'search_title') AND e.lexeme IS NOT NULL;

-- Unique, so that it can be refreshed concurrently (reads go on meanwhile).
CREATE UNIQUE INDEX rt_common_lexemes_key ON rt_common_lexemes (table_name, column_name, lexeme);

-- True when every word of the search string is common in the column: the summed frequency of the column's most
-- common lexemes that start with it (each word matches as a prefix) is at least 5%; with except_column (whose
-- lexemes the column also holds: the title's in the whole document), its frequency there is taken off first, so that
-- a word common only in titles does not count as common outside them. PL/pgSQL keeps its plan.
CREATE FUNCTION rt_common_term(search_text text, search_table text, search_column text, except_column text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (
        SELECT count(*) > 0
               AND bool_and((SELECT coalesce(sum(c.frequency), 0) FROM public.rt_common_lexemes c
                             WHERE c.table_name = search_table AND c.column_name = search_column
                               AND starts_with(c.lexeme, w.word))
                            - (SELECT coalesce(sum(c.frequency), 0) FROM public.rt_common_lexemes c
                               WHERE c.table_name = search_table AND c.column_name = except_column
                                 AND starts_with(c.lexeme, w.word)) >= 0.05)
        FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(public.rt_fold(search_text), '')))) AS w(word));
END;
$$;
