using Mapster;
using RoundTable.Api.Json;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Mapping;

/// <summary>
/// The one Mapster configuration of the service: the conversions every resource shares (localized text, UTC
/// timestamps), and each feature's own mappings where row and contract shapes differ, which the feature adds
/// (<see cref="AddMappings{TRegister}"/>).
/// </summary>
internal static class Mappings
{
    private static readonly Lock s_lock = new();
    private static readonly HashSet<Type> s_added = [];

    public static TypeAdapterConfig Config { get; } = Create();

    /// <summary>A configuration with the shared conversions and <paramref name="registers"/>.</summary>
    public static TypeAdapterConfig Create(params IRegister[] registers)
    {
        var config = new TypeAdapterConfig();
        config.Default.MapToConstructor(true);
        config.NewConfig<LocalizedText, string>().MapWith(s => s == null ? null! : s.Resolve(LocalizedText.DefaultLanguage));
        // Localized text is immutable once read: pass it through rather than let Mapster copy it.
        config.NewConfig<LocalizedText, LocalizedText>().MapWith(s => s);
        config.NewConfig<DateTime, DateTimeOffset>().MapWith(s => new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)));
        foreach (var register in registers)
        {
            register.Register(config);
        }
        return config;
    }

    /// <summary>Adds a feature's mappings to <see cref="Config"/>, once however many hosts start (tests start many).</summary>
    public static IServiceCollection AddMappings<TRegister>(this IServiceCollection services) where TRegister : IRegister, new()
    {
        lock (s_lock)
        {
            if (s_added.Add(typeof(TRegister)))
            {
                new TRegister().Register(Config);
            }
        }
        return services;
    }

    public static T Map<T>(this object source) => source.Adapt<T>(Config);

    /// <summary>An enumeration stored and sent as its snake_case wire name.</summary>
    public static TypeAdapterConfig AddSnakeCaseEnum<T>(this TypeAdapterConfig config) where T : struct, Enum
    {
        config.NewConfig<string, T>().MapWith(s => SnakeCaseEnum<T>.Parse(s));
        config.NewConfig<T, string>().MapWith(v => SnakeCaseEnum<T>.ToName(v));
        return config;
    }
}
