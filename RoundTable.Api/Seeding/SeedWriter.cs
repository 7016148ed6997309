using Dapper;
using Npgsql;

namespace RoundTable.Api.Seeding;

/// <summary>The seeder's SQL: upserts that touch a row only when a value differs. Ids come from the column default (UUID v7).</summary>
internal sealed class SeedWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
{
    private const string SourceSql = """
        INSERT INTO sources AS t (slug, title, publisher, url, published_on, citation)
        VALUES (@Slug, @Title, @Publisher, @Url, @PublishedOn, @Citation)
        ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, publisher = EXCLUDED.publisher, url = EXCLUDED.url,
            published_on = EXCLUDED.published_on, citation = EXCLUDED.citation
        WHERE (t.title, t.publisher, t.url, t.published_on, t.citation)
              IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.publisher, EXCLUDED.url, EXCLUDED.published_on, EXCLUDED.citation);
        SELECT id FROM sources WHERE slug = @Slug;
        """;

    private const string ThemeSql = """
        INSERT INTO themes AS t (slug, name) VALUES (@Slug, @Name)
        ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name WHERE t.name IS DISTINCT FROM EXCLUDED.name;
        SELECT id FROM themes WHERE slug = @Slug;
        """;

    private const string InstitutionSql = """
        INSERT INTO institutions AS t (slug, name, short_name, kind, country, city, website, ror_id, parent_id, source_id)
        VALUES (@Slug, @Name, @ShortName, @Kind, @Country, @City, @Website, @RorId, @ParentId, @SourceId)
        ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, short_name = EXCLUDED.short_name, kind = EXCLUDED.kind,
            country = EXCLUDED.country, city = EXCLUDED.city, website = EXCLUDED.website, ror_id = EXCLUDED.ror_id,
            parent_id = EXCLUDED.parent_id, source_id = EXCLUDED.source_id
        WHERE (t.name, t.short_name, t.kind, t.country, t.city, t.website, t.ror_id, t.parent_id, t.source_id)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.short_name, EXCLUDED.kind, EXCLUDED.country, EXCLUDED.city,
                                EXCLUDED.website, EXCLUDED.ror_id, EXCLUDED.parent_id, EXCLUDED.source_id);
        SELECT id FROM institutions WHERE slug = @Slug;
        """;

    private const string RankingSql = """
        INSERT INTO institution_rankings AS t (institution_id, ranking, year, subject, rank, source_id)
        VALUES (@InstitutionId, @Ranking, @Year, @Subject, @Rank, @SourceId)
        ON CONFLICT (institution_id, ranking, coalesce(year, 0), coalesce(subject ->> 'en', ''))
        DO UPDATE SET subject = EXCLUDED.subject, rank = EXCLUDED.rank, source_id = EXCLUDED.source_id
        WHERE (t.subject, t.rank, t.source_id) IS DISTINCT FROM (EXCLUDED.subject, EXCLUDED.rank, EXCLUDED.source_id)
        """;

    private const string FigureSql = """
        INSERT INTO institution_figures AS t (institution_id, key, label, value, qualifier, as_of_year, source_id)
        VALUES (@InstitutionId, @Key, @Label, @Value, @Qualifier, @AsOfYear, @SourceId)
        ON CONFLICT (institution_id, key) DO UPDATE SET label = EXCLUDED.label, value = EXCLUDED.value,
            qualifier = EXCLUDED.qualifier, as_of_year = EXCLUDED.as_of_year, source_id = EXCLUDED.source_id
        WHERE (t.label, t.value, t.qualifier, t.as_of_year, t.source_id)
              IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.value, EXCLUDED.qualifier, EXCLUDED.as_of_year, EXCLUDED.source_id)
        """;

    private const string SpeakerSql = """
        INSERT INTO speakers AS t (slug, full_name, honorific, orcid, bio, source_id)
        VALUES (@Slug, @FullName, @Honorific, @Orcid, @Bio, @SourceId)
        ON CONFLICT (slug) DO UPDATE SET full_name = EXCLUDED.full_name, honorific = EXCLUDED.honorific,
            orcid = EXCLUDED.orcid, bio = EXCLUDED.bio, source_id = EXCLUDED.source_id
        WHERE (t.full_name, t.honorific, t.orcid, t.bio, t.source_id)
              IS DISTINCT FROM (EXCLUDED.full_name, EXCLUDED.honorific, EXCLUDED.orcid, EXCLUDED.bio, EXCLUDED.source_id);
        SELECT id FROM speakers WHERE slug = @Slug;
        """;

    private const string AffiliationSql = """
        INSERT INTO speaker_affiliations AS t (speaker_id, institution_id, position, start_date, end_date, source_id)
        VALUES (@SpeakerId, @InstitutionId, @Position, @StartDate, @EndDate, @SourceId)
        ON CONFLICT (speaker_id, institution_id, coalesce(position ->> 'en', ''))
        DO UPDATE SET position = EXCLUDED.position, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,
            source_id = EXCLUDED.source_id
        WHERE (t.position, t.start_date, t.end_date, t.source_id)
              IS DISTINCT FROM (EXCLUDED.position, EXCLUDED.start_date, EXCLUDED.end_date, EXCLUDED.source_id)
        """;

    private const string EventSql = """
        INSERT INTO events AS t (slug, title, kind, status, start_date, end_date, starts_at, ends_at, time_zone,
                                 venue, city, country, summary, source_url, source_id)
        VALUES (@Slug, @Title, @Kind, @Status, @StartDate, @EndDate, @StartsAt, @EndsAt, @TimeZone,
                @Venue, @City, @Country, @Summary, @SourceUrl, @SourceId)
        ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, kind = EXCLUDED.kind, status = EXCLUDED.status,
            start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date, starts_at = EXCLUDED.starts_at,
            ends_at = EXCLUDED.ends_at, time_zone = EXCLUDED.time_zone, venue = EXCLUDED.venue, city = EXCLUDED.city,
            country = EXCLUDED.country, summary = EXCLUDED.summary, source_url = EXCLUDED.source_url,
            source_id = EXCLUDED.source_id
        WHERE (t.title, t.kind, t.status, t.start_date, t.end_date, t.starts_at, t.ends_at, t.time_zone, t.venue,
               t.city, t.country, t.summary, t.source_url, t.source_id)
              IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.kind, EXCLUDED.status, EXCLUDED.start_date, EXCLUDED.end_date,
               EXCLUDED.starts_at, EXCLUDED.ends_at, EXCLUDED.time_zone, EXCLUDED.venue, EXCLUDED.city,
               EXCLUDED.country, EXCLUDED.summary, EXCLUDED.source_url, EXCLUDED.source_id);
        SELECT id FROM events WHERE slug = @Slug;
        """;

    private const string OrganizerSql = """
        INSERT INTO event_organizers AS t (event_id, institution_id, role) VALUES (@EventId, @InstitutionId, @Role)
        ON CONFLICT (event_id, institution_id) DO UPDATE SET role = EXCLUDED.role WHERE t.role IS DISTINCT FROM EXCLUDED.role
        """;

    private const string ParticipantSql = """
        INSERT INTO event_participants AS t (event_id, speaker_id, role) VALUES (@EventId, @SpeakerId, @Role)
        ON CONFLICT (event_id, speaker_id) DO UPDATE SET role = EXCLUDED.role WHERE t.role IS DISTINCT FROM EXCLUDED.role;
        SELECT id FROM event_participants WHERE event_id = @EventId AND speaker_id = @SpeakerId;
        """;

    private const string ParticipantInstitutionSql = """
        INSERT INTO event_participant_institutions (participant_id, institution_id) VALUES (@ParticipantId, @InstitutionId)
        ON CONFLICT DO NOTHING
        """;

    private const string QuoteSql = """
        INSERT INTO event_quotes (event_id, speaker_id, text) VALUES (@EventId, @SpeakerId, @Text)
        ON CONFLICT DO NOTHING
        """;

    private const string AcknowledgementSql = """
        INSERT INTO event_acknowledgements AS t (event_id, from_institution_id, to_speaker_id, kind, description)
        VALUES (@EventId, @FromInstitutionId, @ToSpeakerId, @Kind, @Description)
        ON CONFLICT (event_id, from_institution_id, to_speaker_id, kind) DO UPDATE SET description = EXCLUDED.description
        WHERE t.description IS DISTINCT FROM EXCLUDED.description
        """;

    private const string RecommendationSql = """
        INSERT INTO recommendations AS t (slug, event_id, title, body, target_audience, status, source_id)
        VALUES (@Slug, @EventId, @Title, @Body, @TargetAudience, @Status, @SourceId)
        ON CONFLICT (slug) DO UPDATE SET event_id = EXCLUDED.event_id, title = EXCLUDED.title, body = EXCLUDED.body,
            target_audience = EXCLUDED.target_audience, status = EXCLUDED.status, source_id = EXCLUDED.source_id
        WHERE (t.event_id, t.title, t.body, t.target_audience, t.status, t.source_id)
              IS DISTINCT FROM (EXCLUDED.event_id, EXCLUDED.title, EXCLUDED.body, EXCLUDED.target_audience,
                                EXCLUDED.status, EXCLUDED.source_id);
        SELECT id FROM recommendations WHERE slug = @Slug;
        """;

    private const string RecommendationThemeSql = """
        INSERT INTO recommendation_themes (recommendation_id, theme_id) VALUES (@RecommendationId, @ThemeId)
        ON CONFLICT DO NOTHING
        """;

    private const string ProposerSql = """
        INSERT INTO recommendation_proposers (recommendation_id, speaker_id, institution_id)
        VALUES (@RecommendationId, @SpeakerId, @InstitutionId)
        ON CONFLICT DO NOTHING
        """;

    private const string StatusChangeSql = """
        INSERT INTO recommendation_status_changes AS t (recommendation_id, status, changed_on, note)
        VALUES (@RecommendationId, @Status, @ChangedOn, @Note)
        ON CONFLICT (recommendation_id, status, changed_on) DO UPDATE SET note = EXCLUDED.note
        WHERE t.note IS DISTINCT FROM EXCLUDED.note
        """;

    public Task<Guid> UpsertSourceAsync(SeedSource s) => ScalarAsync(SourceSql, new
    {
        s.Slug, s.Title, s.Publisher, s.Url, s.PublishedOn, s.Citation,
    });

    public Task<Guid> UpsertThemeAsync(SeedTheme t) => ScalarAsync(ThemeSql, new { t.Slug, t.Name });

    public Task<Guid> UpsertInstitutionAsync(SeedInstitution i, Guid? parentId, Guid? sourceId) => ScalarAsync(InstitutionSql, new
    {
        i.Slug, i.Name, i.ShortName, i.Kind, i.Country, i.City, i.Website, i.RorId,
        ParentId = parentId, SourceId = sourceId,
    });

    public Task UpsertRankingAsync(Guid institutionId, SeedRanking r, Guid? sourceId) => ExecuteAsync(RankingSql, new
    {
        InstitutionId = institutionId, r.Ranking, r.Year, r.Subject, r.Rank, SourceId = sourceId,
    });

    public Task UpsertFigureAsync(Guid institutionId, SeedFigure f, Guid? sourceId) => ExecuteAsync(FigureSql, new
    {
        InstitutionId = institutionId, f.Key, f.Label, f.Value, Qualifier = f.Qualifier ?? "exact",
        f.AsOfYear, SourceId = sourceId,
    });

    public Task<Guid> UpsertSpeakerAsync(SeedSpeaker s, Guid? sourceId) => ScalarAsync(SpeakerSql, new
    {
        s.Slug, s.FullName, s.Honorific, s.Orcid, s.Bio, SourceId = sourceId,
    });

    public Task UpsertAffiliationAsync(Guid speakerId, Guid institutionId, SeedAffiliation a, Guid? sourceId) => ExecuteAsync(AffiliationSql, new
    {
        SpeakerId = speakerId, InstitutionId = institutionId, a.Position, a.StartDate, a.EndDate,
        SourceId = sourceId,
    });

    public Task<Guid> UpsertEventAsync(SeedEvent e, Guid? sourceId) => ScalarAsync(EventSql, new
    {
        e.Slug, e.Title, e.Kind, e.Status, e.StartDate, e.EndDate,
        StartsAt = e.StartsAt?.UtcDateTime, EndsAt = e.EndsAt?.UtcDateTime, e.TimeZone, e.Venue, e.City, e.Country,
        e.Summary, e.SourceUrl, SourceId = sourceId,
    });

    public Task UpsertOrganizerAsync(Guid eventId, Guid institutionId, string role) =>
        ExecuteAsync(OrganizerSql, new { EventId = eventId, InstitutionId = institutionId, Role = role });

    public Task<Guid> UpsertParticipantAsync(Guid eventId, Guid speakerId, string role) =>
        ScalarAsync(ParticipantSql, new { EventId = eventId, SpeakerId = speakerId, Role = role });

    public Task InsertParticipantInstitutionAsync(Guid participantId, Guid institutionId) =>
        ExecuteAsync(ParticipantInstitutionSql, new { ParticipantId = participantId, InstitutionId = institutionId });

    public Task InsertQuoteAsync(Guid eventId, Guid speakerId, Localization.LocalizedText text) =>
        ExecuteAsync(QuoteSql, new { EventId = eventId, SpeakerId = speakerId, Text = text });

    public Task UpsertAcknowledgementAsync(Guid eventId, Guid fromId, Guid toId, SeedAcknowledgement a) => ExecuteAsync(AcknowledgementSql, new
    {
        EventId = eventId, FromInstitutionId = fromId, ToSpeakerId = toId, a.Kind, a.Description,
    });

    public Task<Guid> UpsertRecommendationAsync(SeedRecommendation r, Guid eventId, Guid? sourceId) => ScalarAsync(RecommendationSql, new
    {
        r.Slug, EventId = eventId, r.Title, r.Body, r.TargetAudience,
        // The current status is the latest of the history.
        Status = r.StatusHistory.OrderBy(c => c.ChangedOn).Last().Status,
        SourceId = sourceId,
    });

    public Task InsertRecommendationThemeAsync(Guid recommendationId, Guid themeId) =>
        ExecuteAsync(RecommendationThemeSql, new { RecommendationId = recommendationId, ThemeId = themeId });

    public Task InsertProposerAsync(Guid recommendationId, Guid? speakerId, Guid? institutionId) => ExecuteAsync(ProposerSql, new
    {
        RecommendationId = recommendationId, SpeakerId = speakerId, InstitutionId = institutionId,
    });

    public Task UpsertStatusChangeAsync(Guid recommendationId, SeedStatusChange c) => ExecuteAsync(StatusChangeSql, new
    {
        RecommendationId = recommendationId, c.Status, c.ChangedOn, c.Note,
    });

    private Task<Guid> ScalarAsync(string sql, object parameters) =>
        connection.ExecuteScalarAsync<Guid>(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct));

    private Task ExecuteAsync(string sql, object parameters) =>
        connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: ct));
}
