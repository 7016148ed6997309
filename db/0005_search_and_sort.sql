-- Query support: full-text search over every translation, sort keys for keyset pagination, updated_since.
-- Runs on PostgreSQL 15 and 17; unaccent is a trusted extension (the database owner may create it).

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Case- and accent-insensitive form of a text: Unicode lower case (ICU when the server has it, so the result does
-- not depend on the database's locale), accents removed. IMMUTABLE so generated columns and indexes can use it.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
        EXECUTE $f$CREATE FUNCTION rt_fold(value text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS 'SELECT lower(public.unaccent(''public.unaccent''::regdictionary, value) COLLATE "und-x-icu")'$f$;
    ELSE
        EXECUTE $f$CREATE FUNCTION rt_fold(value text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS 'SELECT lower(public.unaccent(''public.unaccent''::regdictionary, value))'$f$;
    END IF;
END;
$$;

-- Every translation of a localized text, as one text (for the search document).
CREATE FUNCTION rt_all_text(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(t.txt, ' ' ORDER BY t.lang), '') FROM jsonb_each_text(value) AS t(lang, txt);
$$;

-- The search document of some localized texts, at one weight.
CREATE FUNCTION rt_document(value jsonb, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, coalesce(rt_fold(rt_all_text(value)), '')), weight);
$$;

-- A search string as a query: every word must match, each as a prefix (so "цифров" finds "цифровой" and "디지털"
-- finds "디지털을"). Words come from the same parser as the documents; NULL when the string has no word.
CREATE FUNCTION rt_query(value text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN count(*) = 0 THEN NULL
                ELSE to_tsquery('simple'::regconfig, string_agg(quote_literal(w) || ':*', ' & ' ORDER BY w)) END
    FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(rt_fold(value), '')))) AS w;
$$;

-- The key a localized text sorts by: its English text (else its first language), folded.
CREATE FUNCTION rt_sort_key(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT rt_fold(coalesce(value ->> 'en', (SELECT t.txt FROM jsonb_each_text(value) AS t(lang, txt) ORDER BY t.lang LIMIT 1)));
$$;

ALTER TABLE events ADD COLUMN search tsvector
    GENERATED ALWAYS AS (rt_document(title, 'A') || rt_document(summary, 'B') || rt_document(city, 'C') || rt_document(venue, 'C')) STORED;
ALTER TABLE speakers ADD COLUMN search tsvector
    GENERATED ALWAYS AS (rt_document(full_name, 'A') || rt_document(honorific, 'C') || rt_document(bio, 'B')) STORED;
ALTER TABLE speaker_affiliations ADD COLUMN search tsvector
    GENERATED ALWAYS AS (rt_document(position, 'B')) STORED;
ALTER TABLE institutions ADD COLUMN search tsvector
    GENERATED ALWAYS AS (rt_document(name, 'A') || rt_document(short_name, 'A') || rt_document(city, 'C')) STORED;
ALTER TABLE recommendations ADD COLUMN search tsvector
    GENERATED ALWAYS AS (rt_document(title, 'A') || rt_document(body, 'B') || rt_document(target_audience, 'C')) STORED;

CREATE INDEX events_search_idx ON events USING gin (search);
CREATE INDEX speakers_search_idx ON speakers USING gin (search);
CREATE INDEX speaker_affiliations_search_idx ON speaker_affiliations USING gin (search);
CREATE INDEX institutions_search_idx ON institutions USING gin (search);
CREATE INDEX recommendations_search_idx ON recommendations USING gin (search);

-- Keyset pagination for every sort order (the id breaks ties), and updated_since.
CREATE INDEX events_updated_at_idx ON events (updated_at, id);
CREATE INDEX events_title_idx ON events (rt_sort_key(title), id);
CREATE INDEX speakers_updated_at_idx ON speakers (updated_at, id);
CREATE INDEX speakers_name_idx ON speakers (rt_sort_key(full_name), id);
CREATE INDEX institutions_updated_at_idx ON institutions (updated_at, id);
CREATE INDEX institutions_name_idx ON institutions (rt_sort_key(name), id);
CREATE INDEX recommendations_updated_at_idx ON recommendations (updated_at, id);
CREATE INDEX recommendations_title_idx ON recommendations (rt_sort_key(title), id);
CREATE INDEX events_country_idx ON events (country);
CREATE INDEX institutions_country_idx ON institutions (country);
