namespace RoundTable.Api.Caching;

internal static class CachingSetup
{
    public static IServiceCollection AddRoundTableCaching(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CachingOptions>(configuration.GetSection(CachingOptions.Section));
        services.AddSingleton<DatabaseStates>();
        return services;
    }

    /// <summary>
    /// Marks reads of data whose every change is in the change feed, so its newest time dates them (Last-Modified,
    /// validators filed by database snapshot). Not the feed itself (it also depends on which transactions are still
    /// running) nor the key administration (not in the feed).
    /// </summary>
    public static TBuilder DatedByChanges<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DatedByChangesMetadata());

    /// <summary>After authorization: a revalidation answered from the validators must have passed the key and rate checks first.</summary>
    public static IApplicationBuilder UseRoundTableCaching(this IApplicationBuilder app) => app.UseMiddleware<HttpCaching>();
}

internal sealed class DatedByChangesMetadata;
