-- Core model: institutions, speakers, events, recommendations and their relations.
-- Runs on PostgreSQL 15 and 17. Translatable text is jsonb keyed by language tag ({"en": "...", "kk": "..."}),
-- so a translation is a new key, never a new column.

-- Time-ordered UUID (version 7) for rows inserted without an id from the application.
CREATE FUNCTION rt_uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE AS $$
    SELECT encode(
        set_bit(set_bit(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6),
            52, 1), 53, 1), 'hex')::uuid;
$$;

-- A localized text: a non-empty object whose keys are language tags and whose values are non-empty strings.
CREATE FUNCTION rt_is_localized(value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_typeof(value) = 'object'
       AND value <> '{}'::jsonb
       AND NOT EXISTS (
           SELECT 1 FROM jsonb_each(value) AS t(lang, txt)
           WHERE lang !~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'
              OR jsonb_typeof(txt) <> 'string'
              OR length(btrim(txt #>> '{}')) = 0);
$$;

-- Every row carries created_at, updated_at and a version that changes on every update (the future ETag).
CREATE FUNCTION rt_touch_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := OLD.created_at;
    NEW.updated_at := now();
    NEW.version := OLD.version + 1;
    RETURN NEW;
END;
$$;

-- Where a record came from (the published article a seed row was taken from).
CREATE TABLE sources (
    id           uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    title        jsonb NOT NULL CHECK (rt_is_localized(title)),
    publisher    text,
    url          text CHECK (url ~ '^https?://'),
    published_on date,
    citation     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      bigint NOT NULL DEFAULT 1
);

CREATE TABLE institutions (
    id          uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    name        jsonb NOT NULL CHECK (rt_is_localized(name)),
    short_name  jsonb CHECK (short_name IS NULL OR rt_is_localized(short_name)),
    kind        text NOT NULL CHECK (kind IN ('university', 'graduate_school', 'government_agency', 'academy',
                                              'foundation', 'company', 'other')),
    country     char(2) CHECK (country ~ '^[A-Z]{2}$'),
    city        jsonb CHECK (city IS NULL OR rt_is_localized(city)),
    website     text CHECK (website ~ '^https?://'),
    ror_id      text UNIQUE CHECK (ror_id ~ '^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$'),
    parent_id   uuid REFERENCES institutions (id),
    source_id   uuid REFERENCES sources (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    version     bigint NOT NULL DEFAULT 1,
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX institutions_parent_id_idx ON institutions (parent_id);

CREATE TABLE institution_rankings (
    id             uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    institution_id uuid NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    ranking        text NOT NULL CHECK (length(btrim(ranking)) BETWEEN 1 AND 200),
    year           integer CHECK (year BETWEEN 1900 AND 2200),
    -- NULL subject means the overall ranking.
    subject        jsonb CHECK (subject IS NULL OR rt_is_localized(subject)),
    rank           integer NOT NULL CHECK (rank >= 1),
    source_id      uuid REFERENCES sources (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX institution_rankings_natural_key
    ON institution_rankings (institution_id, ranking, coalesce(year, 0), coalesce(subject ->> 'en', ''));

-- Figures an institution or a source states about it, with the year they hold for.
CREATE TABLE institution_figures (
    id             uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    institution_id uuid NOT NULL REFERENCES institutions (id) ON DELETE CASCADE,
    key            text NOT NULL CHECK (key ~ '^[a-z0-9]+(_[a-z0-9]+)*$' AND length(key) <= 100),
    label          jsonb NOT NULL CHECK (rt_is_localized(label)),
    value          numeric NOT NULL,
    qualifier      text NOT NULL DEFAULT 'exact' CHECK (qualifier IN ('exact', 'more_than', 'less_than', 'about')),
    as_of_year     integer CHECK (as_of_year BETWEEN 1900 AND 2200),
    source_id      uuid REFERENCES sources (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1,
    UNIQUE (institution_id, key)
);

CREATE TABLE speakers (
    id         uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    full_name  jsonb NOT NULL CHECK (rt_is_localized(full_name)),
    honorific  jsonb CHECK (honorific IS NULL OR rt_is_localized(honorific)),
    orcid      text UNIQUE CHECK (orcid ~ '^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$'),
    bio        jsonb CHECK (bio IS NULL OR rt_is_localized(bio)),
    source_id  uuid REFERENCES sources (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1
);

-- A person can hold several affiliations at once.
CREATE TABLE speaker_affiliations (
    id             uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    speaker_id     uuid NOT NULL REFERENCES speakers (id) ON DELETE CASCADE,
    institution_id uuid NOT NULL REFERENCES institutions (id),
    position       jsonb CHECK (position IS NULL OR rt_is_localized(position)),
    start_date     date,
    end_date       date,
    source_id      uuid REFERENCES sources (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1,
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
CREATE UNIQUE INDEX speaker_affiliations_natural_key
    ON speaker_affiliations (speaker_id, institution_id, coalesce(position ->> 'en', ''));
CREATE INDEX speaker_affiliations_institution_id_idx ON speaker_affiliations (institution_id);

-- The day(s) are always known; the clock times may not be (a report often gives only the date).
-- starts_at/ends_at are instants; time_zone is the IANA zone the event is held in.
CREATE TABLE events (
    id         uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    title      jsonb NOT NULL CHECK (rt_is_localized(title)),
    kind       text NOT NULL CHECK (kind IN ('round_table', 'conference', 'seminar', 'workshop', 'lecture')),
    status     text NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled', 'postponed')),
    start_date date NOT NULL,
    end_date   date NOT NULL,
    starts_at  timestamptz,
    ends_at    timestamptz,
    time_zone  text CHECK (time_zone ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$'),
    venue      jsonb CHECK (venue IS NULL OR rt_is_localized(venue)),
    city       jsonb CHECK (city IS NULL OR rt_is_localized(city)),
    country    char(2) CHECK (country ~ '^[A-Z]{2}$'),
    summary    jsonb CHECK (summary IS NULL OR rt_is_localized(summary)),
    source_url text CHECK (source_url ~ '^https?://'),
    source_id  uuid REFERENCES sources (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1,
    CHECK (end_date >= start_date),
    CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at >= starts_at),
    CHECK (starts_at IS NULL OR time_zone IS NOT NULL)
);
CREATE INDEX events_start_date_idx ON events (start_date, id);

CREATE TABLE event_organizers (
    id             uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    event_id       uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    institution_id uuid NOT NULL REFERENCES institutions (id),
    role           text NOT NULL CHECK (role IN ('organizer', 'co_organizer', 'partner')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1,
    UNIQUE (event_id, institution_id)
);
CREATE INDEX event_organizers_institution_id_idx ON event_organizers (institution_id);

CREATE TABLE event_participants (
    id         uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    event_id   uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    speaker_id uuid NOT NULL REFERENCES speakers (id),
    role       text NOT NULL CHECK (role IN ('host', 'moderator', 'speaker', 'panelist', 'guest')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1,
    UNIQUE (event_id, speaker_id)
);
CREATE INDEX event_participants_speaker_id_idx ON event_participants (speaker_id);

-- The institution(s) a participant represented at that event (one person may represent two).
CREATE TABLE event_participant_institutions (
    participant_id uuid NOT NULL REFERENCES event_participants (id) ON DELETE CASCADE,
    institution_id uuid NOT NULL REFERENCES institutions (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (participant_id, institution_id)
);
CREATE INDEX event_participant_institutions_institution_id_idx ON event_participant_institutions (institution_id);

CREATE TABLE event_quotes (
    id         uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    event_id   uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    speaker_id uuid NOT NULL REFERENCES speakers (id),
    text       jsonb NOT NULL CHECK (rt_is_localized(text)),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX event_quotes_natural_key ON event_quotes (event_id, speaker_id, md5(text::text));
CREATE INDEX event_quotes_speaker_id_idx ON event_quotes (speaker_id);

CREATE TABLE event_acknowledgements (
    id                  uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    event_id            uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    from_institution_id uuid NOT NULL REFERENCES institutions (id),
    to_speaker_id       uuid NOT NULL REFERENCES speakers (id),
    kind                text NOT NULL CHECK (kind IN ('letter_of_gratitude', 'certificate', 'award', 'diploma', 'other')),
    description         jsonb CHECK (description IS NULL OR rt_is_localized(description)),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             bigint NOT NULL DEFAULT 1,
    UNIQUE (event_id, from_institution_id, to_speaker_id, kind)
);

CREATE TABLE themes (
    id         uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    name       jsonb NOT NULL CHECK (rt_is_localized(name)),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1
);

CREATE TABLE recommendations (
    id              uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
    event_id        uuid NOT NULL REFERENCES events (id),
    title           jsonb NOT NULL CHECK (rt_is_localized(title)),
    body            jsonb NOT NULL CHECK (rt_is_localized(body)),
    target_audience jsonb CHECK (target_audience IS NULL OR rt_is_localized(target_audience)),
    status          text NOT NULL DEFAULT 'proposed'
                    CHECK (status IN ('proposed', 'accepted', 'in_progress', 'implemented', 'rejected')),
    source_id       uuid REFERENCES sources (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    version         bigint NOT NULL DEFAULT 1
);
CREATE INDEX recommendations_event_id_idx ON recommendations (event_id, id);

CREATE TABLE recommendation_themes (
    recommendation_id uuid NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    theme_id          uuid NOT NULL REFERENCES themes (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (recommendation_id, theme_id)
);
CREATE INDEX recommendation_themes_theme_id_idx ON recommendation_themes (theme_id);

-- Proposed by a speaker, an institution, or both (a person on behalf of an institution).
CREATE TABLE recommendation_proposers (
    id                uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    recommendation_id uuid NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    speaker_id        uuid REFERENCES speakers (id),
    institution_id    uuid REFERENCES institutions (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           bigint NOT NULL DEFAULT 1,
    CHECK (speaker_id IS NOT NULL OR institution_id IS NOT NULL)
);
CREATE UNIQUE INDEX recommendation_proposers_natural_key
    ON recommendation_proposers (recommendation_id,
                                 coalesce(speaker_id, '00000000-0000-0000-0000-000000000000'::uuid),
                                 coalesce(institution_id, '00000000-0000-0000-0000-000000000000'::uuid));
CREATE INDEX recommendation_proposers_speaker_id_idx ON recommendation_proposers (speaker_id);
CREATE INDEX recommendation_proposers_institution_id_idx ON recommendation_proposers (institution_id);

-- Append-only: every status a recommendation has had, with the date it took effect.
CREATE TABLE recommendation_status_changes (
    id                uuid PRIMARY KEY DEFAULT rt_uuid_v7(),
    recommendation_id uuid NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    status            text NOT NULL
                      CHECK (status IN ('proposed', 'accepted', 'in_progress', 'implemented', 'rejected')),
    changed_on        date NOT NULL,
    note              jsonb CHECK (note IS NULL OR rt_is_localized(note)),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    version           bigint NOT NULL DEFAULT 1,
    UNIQUE (recommendation_id, status, changed_on)
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sources', 'institutions', 'institution_rankings', 'institution_figures', 'speakers',
                             'speaker_affiliations', 'events', 'event_organizers', 'event_participants',
                             'event_participant_institutions', 'event_quotes', 'event_acknowledgements', 'themes',
                             'recommendations', 'recommendation_themes', 'recommendation_proposers',
                             'recommendation_status_changes']
    LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION rt_touch_row()',
                       t || '_touch', t);
    END LOOP;
END;
$$;
