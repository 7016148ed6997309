using Mapster;
using RoundTable.Api.Events;
using RoundTable.Api.Http;
using RoundTable.Api.Institutions;
using RoundTable.Api.Localization;
using RoundTable.Api.Recommendations;
using RoundTable.Api.Speakers;

namespace RoundTable.Api.Mapping;

/// <summary>
/// The one Mapster configuration of the service: conversions shared by every resource (localized text, snake_case
/// enumerations, UTC timestamps) and each resource's own mappings where row and contract shapes differ.
/// </summary>
internal static class Mappings
{
    public static TypeAdapterConfig Config { get; } = Create();

    public static TypeAdapterConfig Create()
    {
        var config = new TypeAdapterConfig();
        config.Default.MapToConstructor(true);

        config.NewConfig<LocalizedText, string>().MapWith(s => s == null ? null! : s.Resolve(LocalizedText.DefaultLanguage));
        // Localized text is immutable once read: pass it through rather than let Mapster copy it.
        config.NewConfig<LocalizedText, LocalizedText>().MapWith(s => s);
        config.NewConfig<DateTime, DateTimeOffset>().MapWith(s => new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)));
        AddEnum<InstitutionKind>(config);
        AddEnum<EventKind>(config);
        AddEnum<EventStatus>(config);
        AddEnum<OrganizerRole>(config);
        AddEnum<ParticipantRole>(config);
        AddEnum<AcknowledgementKind>(config);
        AddEnum<RecommendationStatus>(config);
        AddEnum<FigureQualifier>(config);
        AddEnum<Auth.ApiKeyRole>(config);
        config.NewConfig<Auth.ApiKeyRow, Auth.ApiKeyResponse>().Map(d => d.Prefix, s => s.KeyPrefix);
        config.NewConfig<Auth.AuditEntryRow, Auth.AuditEntryResponse>();

        new EventMappings().Register(config);
        new SpeakerMappings().Register(config);
        new InstitutionMappings().Register(config);
        new RecommendationMappings().Register(config);
        return config;
    }

    public static T Map<T>(this object source) => source.Adapt<T>(Config);

    private static void AddEnum<T>(TypeAdapterConfig config) where T : struct, Enum
    {
        config.NewConfig<string, T>().MapWith(s => SnakeCaseEnum<T>.Parse(s));
        config.NewConfig<T, string>().MapWith(v => SnakeCaseEnum<T>.ToName(v));
    }
}
