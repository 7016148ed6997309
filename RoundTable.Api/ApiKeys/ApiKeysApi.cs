using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Auth;
using RoundTable.Api.Errors;
using RoundTable.Api.Json;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.ApiKeys;

/// <summary>Admin-only: the keys that exist (never the keys themselves), revocation, and the audit log.</summary>
internal static class ApiKeysApi
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services) => services
        .AddSingleton<ApiKeyQueries>()
        .AddSingleton<ApiKeyCommands>()
        .AddJsonContext(ApiKeyJsonContext.Default)
        .AddMappings<ApiKeyMappings>();

    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/v1/api-keys").WithTags("Administration").RequireKey(AuthSetup.Admin).WithPageLinks();
        keys.MapGet("/", ListKeys).WithName("listApiKeys")
            .WithSummary("List API keys (admin)").WithReadProblems(item: false);
        keys.MapDelete("/{id:guid}", RevokeKey).WithName("revokeApiKey")
            .WithSummary("Revoke an API key (admin); it stops working at once").WithReadProblems();

        routes.MapGroup("/api/v1/audit").WithTags("Administration").RequireKey(AuthSetup.Admin).WithPageLinks()
            .MapGet("/", ListAudit).WithName("listAuditEntries")
            .WithSummary("List the audit log of every write, oldest first (admin)").WithReadProblems(item: false);
        return routes;
    }

    private static async Task<Results<Ok<Page<ApiKeyResponse>>, ProblemHttpResult>> ListKeys(
        [AsParameters] PageQuery query, ApiKeyQueries queries, CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListAsync(page, ct), r => r.Id, r => r.Map<ApiKeyResponse>()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(Guid id, HttpContext context, ApiKeyCommands commands, CancellationToken ct) =>
        await commands.RevokeAsync(id, Caller.From(context.User).KeyId, ct) ? TypedResults.NoContent() : Problems.NotFound("API key", id.ToString());

    private static async Task<Results<Ok<Page<AuditEntryResponse>>, ProblemHttpResult>> ListAudit(
        [AsParameters] PageQuery query, ApiKeyQueries queries, CancellationToken ct)
    {
        if (!query.TryParse(out var page, out var problem))
        {
            return problem!;
        }
        return TypedResults.Ok(page.ToPage(await queries.ListAuditAsync(page, ct), r => r.Id, r => r.Map<AuditEntryResponse>()));
    }
}
