namespace RoundTable.Api.Localization;

/// <summary>
/// Which languages responses are offered in, and the order a text falls back through when it lacks the one asked
/// for (configuration section "Languages").
/// </summary>
internal sealed class LanguageOptions
{
    public const string Section = "Languages";

    private static readonly string[] Defaults = ["en", "ru", "kk", "ko"];

    /// <summary>Languages a client can ask for (the response language is one of them).</summary>
    public string[] Supported { get; set; } = [];

    /// <summary>The order a text falls back through when it lacks the requested language; its first is the response language when the client asks for none we support.</summary>
    public string[] Fallback { get; set; } = [];

    public IReadOnlyList<string> SupportedOrDefault => Supported.Length > 0 ? Supported : Defaults;

    public IReadOnlyList<string> FallbackOrDefault => Fallback.Length > 0 ? Fallback : SupportedOrDefault;
}

internal static class LocalizationSetup
{
    public static IServiceCollection AddRoundTableLanguages(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<LanguageOptions>(configuration.GetSection(LanguageOptions.Section));

    public static IApplicationBuilder UseRoundTableLanguages(this IApplicationBuilder app) => app.UseMiddleware<LanguageNegotiation>();
}
