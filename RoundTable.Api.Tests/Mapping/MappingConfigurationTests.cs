using Mapster;
using RoundTable.Api.ApiKeys;
using RoundTable.Api.Events;
using RoundTable.Api.Json;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Mapping;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Tests.Mapping;

public sealed class MappingConfigurationTests
{
    // Every feature's mappings, as the app registers them (AddEvents, AddSpeakers...).
    private static readonly TypeAdapterConfig s_config =
        Mappings.Create(new EventMappings(), new SpeakerMappings(), new InstitutionMappings(), new RecommendationMappings(), new ApiKeyMappings());

    [Fact]
    public void The_mapping_configuration_compiles() => s_config.Compile();

    [Fact]
    public void Rows_map_to_contracts_with_text_enums_and_offsets_converted()
    {
        var created = new DateTime(2024, 7, 29, 10, 0, 0, DateTimeKind.Utc);
        var row = new EventRow
        {
            Id = Guid.CreateVersion7(), Slug = "s", Title = new LocalizedText { ["kk"] = "Дөңгелек үстел", ["en"] = "Round table" },
            Kind = "round_table", Status = "held", StartDate = new DateOnly(2024, 7, 29), EndDate = new DateOnly(2024, 7, 29),
            CreatedAt = created, UpdatedAt = created, Version = 3,
        };
        var summary = row.Adapt<EventSummary>(s_config);
        Assert.Equal("Round table", summary.Title["en"]);
        Assert.Equal("Дөңгелек үстел", summary.Title["kk"]);
        Assert.Equal(EventKind.RoundTable, summary.Kind);
        Assert.Equal(TimeSpan.Zero, summary.CreatedAt.Offset);
        Assert.Null(summary.City);

        var response = row.Adapt<EventResponse>(s_config);
        Assert.Null(response.Source);

        var institution = new InstitutionRow { Id = Guid.NewGuid(), Slug = "x", Name = LocalizedText.English("X"), Kind = "graduate_school" };
        Assert.Equal(InstitutionKind.GraduateSchool, institution.Adapt<InstitutionSummary>(s_config).Kind);
        Assert.Null(institution.Adapt<InstitutionResponse>(s_config).Parent);

        var speaker = new SpeakerRow { Id = Guid.NewGuid(), Slug = "k", FullName = new LocalizedText { ["ko"] = "고길곤" } };
        Assert.Equal("고길곤", speaker.Adapt<SpeakerSummary>(s_config).FullName["ko"]);

        var proposer = new ProposerRow { Id = Guid.NewGuid(), InstitutionId = Guid.NewGuid(), InstitutionSlug = "i", InstitutionName = LocalizedText.English("I") };
        var mapped = proposer.Adapt<ProposerResponse>(s_config);
        Assert.Null(mapped.Speaker);
        Assert.Equal("I", mapped.Institution!.Name["en"]);

        var recommendation = new RecommendationRow { Id = Guid.NewGuid(), Slug = "r", Title = LocalizedText.English("R"), Status = "in_progress", Themes = ["a"] };
        Assert.Equal(RecommendationStatus.InProgress, recommendation.Adapt<RecommendationSummary>(s_config).Status);

        var figure = new FigureRow { Key = "k", Label = LocalizedText.English("L"), Value = 73, Qualifier = "more_than" };
        Assert.Equal(FigureQualifier.MoreThan, figure.Adapt<FigureResponse>(s_config).Qualifier);

        var involvement = new InstitutionEventRow { EventSlug = "e", EventTitle = LocalizedText.English("E"), Involvement = ["co_organizer", "represented"] };
        Assert.Equal([InstitutionInvolvement.CoOrganizer, InstitutionInvolvement.Represented], involvement.Adapt<InstitutionEventResponse>(s_config).Involvement);
    }

    [Fact]
    public void Write_requests_map_to_rows_and_rows_back_to_requests()
    {
        var request = new CreateEventRequest
        {
            Slug = "e", Title = LocalizedText.English("E"), Kind = EventKind.RoundTable, Status = EventStatus.Held,
            StartDate = new DateOnly(2024, 7, 29), EndDate = new DateOnly(2024, 7, 29),
            StartsAt = new DateTimeOffset(2024, 7, 29, 10, 0, 0, TimeSpan.FromHours(5)), TimeZone = "Asia/Almaty",
        };
        var row = request.Adapt<EventRow>(s_config);
        Assert.Equal("round_table", row.Kind);
        Assert.Equal("held", row.Status);
        Assert.Equal(new DateTime(2024, 7, 29, 5, 0, 0, DateTimeKind.Utc), row.StartsAt);
        Assert.Null(row.Venue);
        Assert.Same(request.Title, row.Title);

        var back = new EventRow { Slug = "e", Title = row.Title, Kind = row.Kind, Status = row.Status, StartDate = row.StartDate, EndDate = row.EndDate, StartsAt = row.StartsAt }
            .Adapt<EventWriteRequest>(s_config);
        Assert.Equal(EventKind.RoundTable, back.Kind);
        Assert.Equal(request.StartsAt, back.StartsAt);
        Assert.Null(back.EndsAt);

        var key = new RoundTable.Api.ApiKeys.ApiKeyRow { Role = "partner", KeyPrefix = "rt_abcdef", CreatedAt = DateTime.UtcNow };
        var response = key.Adapt<RoundTable.Api.ApiKeys.ApiKeyResponse>(s_config);
        Assert.Equal(RoundTable.Api.ApiKeys.ApiKeyRole.Partner, response.Role);
        Assert.Equal("rt_abcdef", response.Prefix);
    }

    [Fact]
    public void The_other_write_pairs_map_one_sample_each()
    {
        var institution = new InstitutionWriteRequest { Slug = "i", Name = LocalizedText.English("I"), Kind = InstitutionKind.Academy, Parent = "iitu" }
            .Adapt<InstitutionRow>(s_config);
        Assert.Equal("academy", institution.Kind);
        Assert.Null(institution.ParentId);
        var parentId = Guid.NewGuid();
        var institutionBack = new InstitutionRow { Slug = "i", Name = LocalizedText.English("I"), Kind = "academy", ParentId = parentId }.Adapt<InstitutionWriteRequest>(s_config);
        Assert.Equal(InstitutionKind.Academy, institutionBack.Kind);
        Assert.Equal(parentId.ToString(), institutionBack.Parent);

        var speaker = new SpeakerWriteRequest { Slug = "s", FullName = LocalizedText.English("S"), Orcid = "0000-0002-1825-0097" }.Adapt<SpeakerRow>(s_config);
        Assert.Equal("0000-0002-1825-0097", speaker.Orcid);
        Assert.Equal("s", speaker.Adapt<SpeakerWriteRequest>(s_config).Slug);

        var recommendation = new RecommendationWriteRequest { Slug = "r", Title = LocalizedText.English("R"), Body = LocalizedText.English("B"), Themes = ["t"] }
            .Adapt<RecommendationWriteRow>(s_config);
        Assert.Equal("r", recommendation.Slug);
        Assert.Empty(recommendation.ThemeIds);
        var speakerId = Guid.NewGuid();
        var recommendationBack = new RecommendationWriteRow
        {
            Slug = "r", EventId = Guid.NewGuid(), Title = LocalizedText.English("R"), Body = LocalizedText.English("B"),
            Themes = ["digital-literacy"], Proposers = [(speakerId, null)],
        }.Adapt<RecommendationWriteRequest>(s_config);
        Assert.Equal(["digital-literacy"], recommendationBack.Themes);
        Assert.Equal(speakerId.ToString(), recommendationBack.ProposedBy![0].Speaker);
        Assert.Null(recommendationBack.ProposedBy[0].Institution);

        var audit = new RoundTable.Api.ApiKeys.AuditEntryRow { Operation = "create", ResourceType = "event", OccurredAt = DateTime.UtcNow }.Adapt<RoundTable.Api.ApiKeys.AuditEntryResponse>(s_config);
        Assert.Equal("create", audit.Operation);
    }

    [Fact]
    public void Every_enumeration_value_round_trips_through_its_wire_name()
    {
        AssertRoundTrip<EventKind>();
        AssertRoundTrip<EventStatus>();
        AssertRoundTrip<InstitutionKind>();
        AssertRoundTrip<OrganizerRole>();
        AssertRoundTrip<ParticipantRole>();
        AssertRoundTrip<AcknowledgementKind>();
        AssertRoundTrip<RecommendationStatus>();
        AssertRoundTrip<FigureQualifier>();

        static void AssertRoundTrip<T>() where T : struct, Enum
        {
            foreach (var value in Enum.GetValues<T>())
            {
                var name = SnakeCaseEnum<T>.ToName(value);
                Assert.Matches("^[a-z]+(_[a-z]+)*$", name);
                Assert.Equal(value, SnakeCaseEnum<T>.Parse(name));
                Assert.Equal($"\"{name}\"", System.Text.Json.JsonSerializer.Serialize(value));
            }
        }
    }
}
