using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Mapping;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Tests.Mapping;

public sealed class MappingConfigurationTests
{
    [Fact]
    public void The_mapping_configuration_compiles()
    {
        var config = Mappings.Create();
        config.Compile();
    }

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
        var summary = row.Map<EventSummary>();
        Assert.Equal("Round table", summary.Title);
        Assert.Equal(EventKind.RoundTable, summary.Kind);
        Assert.Equal(TimeSpan.Zero, summary.CreatedAt.Offset);
        Assert.Null(summary.City);

        var response = row.Map<EventResponse>();
        Assert.Null(response.Source);

        var institution = new InstitutionRow { Id = Guid.NewGuid(), Slug = "x", Name = LocalizedText.English("X"), Kind = "graduate_school" };
        Assert.Equal(InstitutionKind.GraduateSchool, institution.Map<InstitutionSummary>().Kind);
        Assert.Null(institution.Map<InstitutionResponse>().Parent);

        var speaker = new SpeakerRow { Id = Guid.NewGuid(), Slug = "k", FullName = new LocalizedText { ["ko"] = "고길곤" } };
        Assert.Equal("고길곤", speaker.Map<SpeakerSummary>().FullName);

        var proposer = new ProposerRow { Id = Guid.NewGuid(), InstitutionId = Guid.NewGuid(), InstitutionSlug = "i", InstitutionName = LocalizedText.English("I") };
        var mapped = proposer.Map<ProposerResponse>();
        Assert.Null(mapped.Speaker);
        Assert.Equal("I", mapped.Institution!.Name);

        var recommendation = new RecommendationRow { Id = Guid.NewGuid(), Slug = "r", Title = LocalizedText.English("R"), Status = "in_progress", Themes = ["a"] };
        Assert.Equal(RecommendationStatus.InProgress, recommendation.Map<RecommendationSummary>().Status);

        var figure = new FigureRow { Key = "k", Label = LocalizedText.English("L"), Value = 73, Qualifier = "more_than" };
        Assert.Equal(FigureQualifier.MoreThan, figure.Map<FigureResponse>().Qualifier);

        var involvement = new InstitutionEventRow { EventSlug = "e", EventTitle = LocalizedText.English("E"), Involvement = ["co_organizer", "represented"] };
        Assert.Equal([InstitutionInvolvement.CoOrganizer, InstitutionInvolvement.Represented], involvement.Map<InstitutionEventResponse>().Involvement);
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
