using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace RoundTable.Api.Http;

/// <summary>Configuration section "Limits".</summary>
internal sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest request body accepted, in bytes (default 64 KiB: an event is a few KiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>
/// Refuses bodies over the configured size with a 413 problem: at once when Content-Length says so, and through the
/// server's own limit for chunked bodies (Kestrel then fails the read, which becomes the same 413 problem).
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, Microsoft.Extensions.Options.IOptions<LimitsOptions> options)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = $"Bodies are limited to {limit} bytes.",
                },
            });
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        await next(context);
    }
}

internal static class RequestBodyLimitSetup
{
    public static IServiceCollection AddRoundTableLimits(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<LimitsOptions>(configuration.GetSection(LimitsOptions.Section));

    public static IApplicationBuilder UseRoundTableLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestBodyLimitMiddleware>();
}
