using System.Data;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using Npgsql;
using RoundTable.Api.Auth;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Paging;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Sources;
using RoundTable.Api.Speakers;
using RoundTable.Api.Themes;

namespace RoundTable.Api.Events;

/// <summary>The reads of events: each query beside the method that runs it.</summary>
internal sealed class EventQueries(NpgsqlDataSource dataSource, Viewer viewer)
{
    /// <summary>The roles that own an event (see its draft, change it, write its recommendations); a partner does not.</summary>
    internal const string OwnerRoles = "('organizer', 'co_organizer')";

    /// <summary>
    /// True when event <c>e</c> is visible to the reader: a draft (unpublished) only to admins and to keys of its owners.
    /// Run it through <see cref="Viewer.Command"/>.
    /// </summary>
    internal const string Visible = $"""
        (e.published OR @ViewerAdmin::boolean OR EXISTS (
            SELECT 1 FROM event_organizers vo
            WHERE vo.event_id = e.id AND vo.institution_id = @ViewerInstitution::uuid AND vo.role IN {OwnerRoles}))
        """;

    /// <summary>How events are found by id or slug: deleted ones are not, nor drafts the caller may not see.</summary>
    public static readonly KeyLookup Key = new("event", "events", "e", Visible);

    internal const string SummaryColumns = """
        e.id, e.slug, e.title, e.kind, e.status, e.start_date, e.end_date, e.starts_at, e.ends_at, e.time_zone,
        e.city, e.country, e.published, e.created_at, e.updated_at, e.version
        """;

    internal const string ListBase = $"e.deleted_at IS NULL AND {Visible}";

    /// <summary>Filters, sorts and search of GET /events (and its exports and calendars).</summary>
    public static readonly ListSpec List = new("event", "e",
        [
            ListSpec.Id("e"),
            new SortSpec("start", "e.start_date", "date", "First day of the event."),
            new SortSpec("title", "rt_sort_key(e.title)", "text", "Title (English, else the first language), case-insensitive."),
            ListSpec.UpdatedAt("e"),
            ListSpec.Relevance("e", "events"),
        ],
        [
            new DateFilter("from", "Events ending on or after this day.", "e.end_date >= {0}"),
            new DateFilter("to", "Events starting on or before this day.", "e.start_date <= {0}"),
            ValuesFilter.Of<EventKind>("kind", "Kinds of event (comma-separated).", "e.kind", EventKind.RoundTable),
            ValuesFilter.Of<EventStatus>("status", "Statuses (comma-separated).", "e.status", EventStatus.Held),
            new CountryFilter("country", "Countries the events are held in (ISO 3166-1 alpha-2, comma-separated).", "e.country"),
            new ReferenceFilter("organizer", "Events an institution (UUID or slug) organized, co-organized or partnered.", """
                EXISTS (SELECT 1 FROM event_organizers fo JOIN institutions fi ON fi.id = fo.institution_id
                        WHERE fo.event_id = e.id AND (fi.id = {id} OR fi.slug = {slug}))
                """, "iitu", [InstitutionQueries.Key]),
            new ReferenceFilter("institution", "Events an institution (UUID or slug) organized or was represented at by a participant.", """
                EXISTS (SELECT 1 FROM event_organizers fo JOIN institutions fi ON fi.id = fo.institution_id
                        WHERE fo.event_id = e.id AND (fi.id = {id} OR fi.slug = {slug})
                        UNION ALL
                        SELECT 1 FROM event_participants fp JOIN event_participant_institutions fpi ON fpi.participant_id = fp.id
                             JOIN institutions fi ON fi.id = fpi.institution_id
                        WHERE fp.event_id = e.id AND (fi.id = {id} OR fi.slug = {slug}))
                """, "iitu", [InstitutionQueries.Key]),
            new ReferenceFilter("participant", "Events a person (UUID or slug) took part in.", """
                EXISTS (SELECT 1 FROM event_participants fp JOIN speakers fs ON fs.id = fp.speaker_id
                        WHERE fp.event_id = e.id AND (fs.id = {id} OR fs.slug = {slug}))
                """, "kilkon-ko", [SpeakerQueries.Key]),
            new SlugFilter("theme", "Events with a recommendation on this theme (slug).", """
                EXISTS (SELECT 1 FROM recommendations fr JOIN recommendation_themes frt ON frt.recommendation_id = fr.id
                        JOIN themes ft ON ft.id = frt.theme_id
                        WHERE fr.event_id = e.id AND fr.deleted_at IS NULL AND ft.slug = {0})
                """, "digital-literacy", ThemeQueries.Key),
        ],
        $"e.search @@ {ListSpec.SearchQuery}",
        ["organizers", "participants", "recommendations"]);

    public Task<IReadOnlyList<EventRow>> ListAsync(ListQuery query, CancellationToken ct) =>
        dataSource.QueryListAsync<EventRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    public IAsyncEnumerable<EventRow> StreamAsync(ListQuery query, CancellationToken ct) =>
        dataSource.StreamAsync<EventRow>(viewer.Command(ListSql(query), query.Parameters, ct));

    private static string ListSql(ListQuery query) => query.Sql($"SELECT {SummaryColumns}", "events e", ListBase);

    private static readonly string s_keyFilter = Key.KeyFilter;

    private const string OrganizersSelect = $"""
        SELECT o.id, o.event_id, o.role, {Sql.InstitutionRef}
        FROM event_organizers o JOIN events e ON e.id = o.event_id JOIN institutions i ON i.id = o.institution_id
        """;

    private const string ParticipantsSelect = $"""
        SELECT p.id, p.event_id, p.role, {Sql.SpeakerRef}
        FROM event_participants p JOIN events e ON e.id = p.event_id JOIN speakers sp ON sp.id = p.speaker_id
        """;

    private const string ParticipantInstitutionsSelect = $"""
        SELECT pi.participant_id, {Sql.InstitutionRef}
        FROM event_participant_institutions pi
             JOIN event_participants p ON p.id = pi.participant_id
             JOIN events e ON e.id = p.event_id
             JOIN institutions i ON i.id = pi.institution_id
        """;

    private const string RecommendationsSelect = $"""
        {RecommendationQueries.SummaryColumns}
        FROM recommendations r
        """;

    private const string InstitutionJson = "json_build_object('id', i.id, 'slug', i.slug, 'name', i.name, 'shortName', i.short_name)";
    private const string SpeakerJson = "json_build_object('id', sp.id, 'slug', sp.slug, 'fullName', sp.full_name, 'honorific', sp.honorific)";

    /// <summary>
    /// The SQL of GET /events/{idOrSlug}: the event with everything that happened at it, built as one JSON document (the
    /// shape of <see cref="EventResponse"/>, every language of each text) by one statement. The API reads it into the
    /// response and writes it as every other answer (languages, ETag, JSON-LD). One statement, one plan and one value to
    /// read, where seven result sets cost the API more than the database (docs/benchmarks.md); bench/ runs it as one
    /// way of the read ceiling. Relations keep the order of their own lists.
    /// </summary>
    internal static readonly KeyedSql Document = new($"""
        SELECT json_build_object(
          'id', e.id, 'slug', e.slug, 'title', e.title, 'kind', e.kind, 'status', e.status,
          'startDate', e.start_date, 'endDate', e.end_date,
          'startsAt', {Sql.JsonInstant("e.starts_at")}, 'endsAt', {Sql.JsonInstant("e.ends_at")}, 'timeZone', e.time_zone,
          'venue', e.venue, 'city', e.city, 'country', e.country, 'summary', e.summary, 'sourceUrl', e.source_url,
          'source', CASE WHEN s.id IS NOT NULL THEN json_build_object('slug', s.slug, 'title', s.title, 'publisher', s.publisher,
                                                                     'url', s.url, 'publishedOn', s.published_on, 'citation', s.citation) END,
          'organizers', (SELECT coalesce(json_agg(json_build_object('id', o.id, 'institution', {InstitutionJson}, 'role', o.role)
                                                  ORDER BY array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id), '[]')
                         FROM event_organizers o JOIN institutions i ON i.id = o.institution_id WHERE o.event_id = e.id),
          'participants', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'speaker', {SpeakerJson}, 'role', p.role,
                              'institutions', (SELECT coalesce(json_agg({InstitutionJson} ORDER BY pi.created_at, i.id), '[]')
                                               FROM event_participant_institutions pi JOIN institutions i ON i.id = pi.institution_id
                                               WHERE pi.participant_id = p.id)) ORDER BY p.id), '[]')
                           FROM event_participants p JOIN speakers sp ON sp.id = p.speaker_id WHERE p.event_id = e.id),
          'quotes', (SELECT coalesce(json_agg(json_build_object('id', q.id, 'speaker', {SpeakerJson}, 'text', q.text) ORDER BY q.id), '[]')
                     FROM event_quotes q JOIN speakers sp ON sp.id = q.speaker_id WHERE q.event_id = e.id),
          'acknowledgements', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'from', {InstitutionJson}, 'to', {SpeakerJson},
                                                                          'kind', a.kind, 'description', a.description) ORDER BY a.id), '[]')
                               FROM event_acknowledgements a JOIN institutions i ON i.id = a.from_institution_id
                                    JOIN speakers sp ON sp.id = a.to_speaker_id WHERE a.event_id = e.id),
          'recommendations', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'slug', r.slug, 'eventId', r.event_id,
                                  'title', r.title, 'status', r.status, 'themes', {RecommendationQueries.ThemeSlugs},
                                  'createdAt', {Sql.JsonInstant("r.created_at")}, 'updatedAt', {Sql.JsonInstant("r.updated_at")},
                                  'version', r.version) ORDER BY r.id), '[]')
                              FROM recommendations r WHERE r.event_id = e.id AND r.deleted_at IS NULL),
          'published', e.published, 'createdAt', {Sql.JsonInstant("e.created_at")}, 'updatedAt', {Sql.JsonInstant("e.updated_at")},
          'version', e.version)::text
        FROM events e LEFT JOIN sources s ON s.id = e.source_id
        WHERE {s_keyFilter}
        """);

    /// <summary>An event with everything that happened at it.</summary>
    public Task<EventResponse?> GetAsync(ResourceKey key, CancellationToken ct) =>
        dataSource.QueryDocumentAsync<EventResponse>(viewer.Command(Document.For(key), new { key.Id, key.Slug }, ct));

    private static readonly string s_organizersPageSql = $"""
        {OrganizersSelect}
        WHERE e.id = @ParentId AND {Sql.After("o")}
        {Sql.PageOrder("o")}
        """;

    public Task<IReadOnlyList<EventOrganizerRow>> ListOrganizersAsync(Guid eventId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<EventOrganizerRow>(new CommandDefinition(s_organizersPageSql, page.Parameters(eventId), cancellationToken: ct));

    // The page of participants and the institutions of exactly those participants, in one round trip.
    private static readonly string s_participantsPageSql = $"""
        {ParticipantsSelect}
        WHERE e.id = @ParentId AND {Sql.After("p")}
        {Sql.PageOrder("p")};

        {ParticipantInstitutionsSelect}
        WHERE e.id = @ParentId AND pi.participant_id IN (
            SELECT p2.id FROM event_participants p2 WHERE p2.event_id = @ParentId AND {Sql.After("p2")} {Sql.PageOrder("p2")})
        ORDER BY pi.participant_id, pi.created_at, i.id;
        """;

    public async Task<IReadOnlyList<ParticipantWithInstitutions>> ListParticipantsAsync(Guid eventId, PageRequest page, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(s_participantsPageSql, page.Parameters(eventId), cancellationToken: ct));
        var participants = (await grid.ReadAsync<EventParticipantRow>()).AsList();
        var institutions = (await grid.ReadAsync<ParticipantInstitutionRow>()).ToLookup(i => i.ParticipantId);
        return participants.Select(p => new ParticipantWithInstitutions(p, institutions[p.Id].ToList())).ToList();
    }

    private static readonly string s_recommendationsPageSql = $"""
        {RecommendationsSelect}
        WHERE r.event_id = @ParentId AND r.deleted_at IS NULL AND {Sql.After("r")}
        {Sql.PageOrder("r")}
        """;

    public Task<IReadOnlyList<RecommendationRow>> ListRecommendationsAsync(Guid eventId, PageRequest page, CancellationToken ct) =>
        dataSource.QueryListAsync<RecommendationRow>(new CommandDefinition(s_recommendationsPageSql, page.Parameters(eventId), cancellationToken: ct));

    // include= for a page of events: one query per included relation, all in one batch, whatever the number of events.
    private const string IncludeOrganizersSql = $"""
        {OrganizersSelect}
        WHERE e.id = ANY(@Ids)
        ORDER BY o.event_id, array_position(ARRAY['organizer', 'co_organizer', 'partner'], o.role), o.id;
        """;

    private const string IncludeParticipantsSql = $"""
        {ParticipantsSelect}
        WHERE e.id = ANY(@Ids)
        ORDER BY p.event_id, p.id;

        {ParticipantInstitutionsSelect}
        WHERE e.id = ANY(@Ids)
        ORDER BY pi.participant_id, pi.created_at, i.id;
        """;

    private const string IncludeRecommendationsSql = $"""
        {RecommendationsSelect}
        WHERE r.event_id = ANY(@Ids) AND r.deleted_at IS NULL
        ORDER BY r.event_id, r.id;
        """;

    /// <summary>The relations of a page of events, in one round trip.</summary>
    public async Task<EventIncludes> IncludeAsync(IReadOnlyList<Guid> ids, IReadOnlySet<string> includes, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await IncludeAsync(connection, null, ids, includes, ct);
    }

    private static async Task<EventIncludes> IncludeAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<Guid> ids, IReadOnlySet<string> includes, CancellationToken ct)
    {
        var sql = new StringBuilder();
        if (includes.Contains("organizers"))
        {
            sql.AppendLine(IncludeOrganizersSql);
        }
        if (includes.Contains("participants"))
        {
            sql.AppendLine(IncludeParticipantsSql);
        }
        if (includes.Contains("recommendations"))
        {
            sql.AppendLine(IncludeRecommendationsSql);
        }
        await using var grid = await connection.QueryMultipleAsync(new CommandDefinition(sql.ToString(), new { Ids = ids.ToArray() }, transaction, cancellationToken: ct));
        var organizers = includes.Contains("organizers") ? (await grid.ReadAsync<EventOrganizerRow>()).AsList() : null;
        var participants = includes.Contains("participants") ? (await grid.ReadAsync<EventParticipantRow>()).AsList() : null;
        var participantInstitutions = includes.Contains("participants") ? (await grid.ReadAsync<ParticipantInstitutionRow>()).AsList() : null;
        var recommendations = includes.Contains("recommendations") ? (await grid.ReadAsync<RecommendationRow>()).AsList() : null;
        return new EventIncludes(organizers, participants, participantInstitutions, recommendations);
    }

    private static readonly IReadOnlySet<string> s_calendarIncludes = new HashSet<string> { "organizers", "participants" };

    /// <summary>
    /// Every matching event with the columns a calendar needs (venue, summary, source URL) and its organizers and
    /// participants, in batches read on one connection in one snapshot (REPEATABLE READ).
    /// </summary>
    public async IAsyncEnumerable<(IReadOnlyList<EventRow> Events, EventIncludes Includes)> CalendarBatchesAsync(
        ListQuery query, int batch, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        query.Page(batch, null);
        while (true)
        {
            var sql = query.Sql($"SELECT {SummaryColumns}, e.venue, e.summary, e.source_url", "events e", ListBase);
            var rows = (await connection.QueryAsync<EventRow>(viewer.Command(sql, query.Parameters, ct, transaction))).AsList();
            var events = rows.Take(batch).ToList();
            if (events.Count == 0)
            {
                yield break;
            }
            yield return (events, await IncludeAsync(connection, transaction, events.Select(e => e.Id).ToList(), s_calendarIncludes, ct));
            if (rows.Count <= batch)
            {
                yield break;
            }
            query.Page(batch, new CursorPosition(query.SortToken, events[^1].SortKey, events[^1].Id));
        }
    }
}

// Rows as the queries select them; EventMappings turns them into contracts.

internal sealed class EventRow : SourcedRow, IListRow
{
    public string? SortKey { get; set; }
    public Guid Id { get; set; }
    public string Slug { get; set; } = "";
    public LocalizedText Title { get; set; } = [];
    public string Kind { get; set; } = "";
    public string Status { get; set; } = "";
    public DateOnly StartDate { get; set; }
    public DateOnly EndDate { get; set; }
    public DateTime? StartsAt { get; set; }
    public DateTime? EndsAt { get; set; }
    public string? TimeZone { get; set; }
    public LocalizedText? Venue { get; set; }
    public LocalizedText? City { get; set; }
    public string? Country { get; set; }
    public LocalizedText? Summary { get; set; }
    public string? SourceUrl { get; set; }
    public bool Published { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; }
}

internal sealed class EventOrganizerRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Role { get; set; } = "";
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed class EventParticipantRow
{
    public Guid Id { get; set; }
    public Guid EventId { get; set; }
    public string Role { get; set; } = "";
    public Guid SpeakerId { get; set; }
    public string SpeakerSlug { get; set; } = "";
    public LocalizedText SpeakerFullName { get; set; } = [];
    public LocalizedText? SpeakerHonorific { get; set; }
}

/// <summary>An institution a participant represented (many per participant).</summary>
internal sealed class ParticipantInstitutionRow
{
    public Guid ParticipantId { get; set; }
    public Guid InstitutionId { get; set; }
    public string InstitutionSlug { get; set; } = "";
    public LocalizedText InstitutionName { get; set; } = [];
    public LocalizedText? InstitutionShortName { get; set; }
}

internal sealed record ParticipantWithInstitutions(EventParticipantRow Participant, IReadOnlyList<ParticipantInstitutionRow> Institutions);

/// <summary>The relations of a page of events (null where not included).</summary>
internal sealed record EventIncludes(
    IReadOnlyList<EventOrganizerRow>? Organizers,
    IReadOnlyList<EventParticipantRow>? Participants,
    IReadOnlyList<ParticipantInstitutionRow>? ParticipantInstitutions,
    IReadOnlyList<RecommendationRow>? Recommendations);
