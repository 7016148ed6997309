-- Functions used by generated columns and expression indexes name the functions they call with their schema.
-- Autovacuum's ANALYZE (and, on PostgreSQL 17, every ANALYZE, REINDEX and VACUUM FULL, and pg_restore) runs them with
-- a search_path of pg_catalog only, where "rt_fold" does not exist: the analyze of events, speakers, institutions and
-- recommendations failed every minute ("function rt_fold(text) does not exist"), so those tables had no statistics
-- from autovacuum. Same definitions otherwise; no SET search_path clause, which would stop SQL functions from being
-- inlined.
CREATE OR REPLACE FUNCTION rt_document(value jsonb, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, coalesce(public.rt_fold(public.rt_all_text(value)), '')), weight);
$$;

CREATE OR REPLACE FUNCTION rt_sort_key(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT public.rt_fold(coalesce(value ->> 'en', (SELECT t.txt FROM jsonb_each_text(value) AS t(lang, txt) ORDER BY t.lang LIMIT 1)));
$$;

CREATE OR REPLACE FUNCTION rt_query(value text) RETURNS tsquery
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT CASE WHEN count(*) = 0 THEN NULL
                        ELSE to_tsquery('simple'::regconfig, string_agg(quote_literal(w) || ':*', ' & ' ORDER BY w)) END
            FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(public.rt_fold(value), '')))) AS w);
END;
$$;
