namespace RoundTable.Api.Http;

/// <summary>
/// CORS for the frontend origins in configuration (Cors:Origins, e.g. https://events.iitu.edu.kz; "*" for any).
/// Browsers may send keys, conditional and idempotent requests, and read the validators, paging and rate-limit headers.
/// </summary>
internal static class CorsSetup
{
    public static readonly string[] ExposedHeaders =
        ["ETag", "Last-Modified", "Link", "Location", "Content-Language", "Retry-After", "RateLimit", "RateLimit-Policy", "Idempotent-Replayed"];

    private static readonly string[] s_allowedHeaders =
        ["Authorization", "Content-Type", "Accept", "Accept-Language", "If-Match", "If-None-Match", "If-Modified-Since", "Idempotency-Key"];

    public static IServiceCollection AddRoundTableCors(this IServiceCollection services, IConfiguration configuration)
    {
        var origins = configuration.GetSection("Cors:Origins").Get<string[]>() ?? [];
        services.AddCors(options => options.AddDefaultPolicy(policy =>
        {
            if (origins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins(origins);
            }
            policy.WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithHeaders(s_allowedHeaders)
                .WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return services;
    }
}
