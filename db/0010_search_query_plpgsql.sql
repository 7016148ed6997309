-- rt_query, unchanged in what it returns, in PL/pgSQL and STABLE. Search statements are prepared once and should run
-- with one generic plan, which evaluates the query once per execution (it is an init plan: "(SELECT rt_query(@q))").
-- 1. A SQL function that cannot be inlined (it aggregates) has its body parsed and planned again at every call; a
--    PL/pgSQL function keeps its plan for the session. Measured on 300,000 recommendations: 0.66 ms against 0.54 ms
--    per search statement (the statement alone, with a constant query: 0.43 ms).
-- 2. IMMUTABLE let the planner compute it while planning, so a plan made for the given term looked cheaper than the
--    generic one and the server planned every execution afresh (about 1.5 ms for the search across all resources).
--    It is STABLE in truth (it reads the unaccent dictionary), and no index uses it.
CREATE OR REPLACE FUNCTION rt_query(value text) RETURNS tsquery
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT CASE WHEN count(*) = 0 THEN NULL
                        ELSE to_tsquery('simple'::regconfig, string_agg(quote_literal(w) || ':*', ' & ' ORDER BY w)) END
            FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(rt_fold(value), '')))) AS w);
END;
$$;
