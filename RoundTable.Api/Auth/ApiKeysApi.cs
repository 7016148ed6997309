using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Http;
using RoundTable.Api.Mapping;
using RoundTable.Api.Paging;

namespace RoundTable.Api.Auth;

/// <summary>Admin-only: the keys that exist (never the keys themselves), revocation, and the audit log.</summary>
internal static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/v1/api-keys").WithTags("Administration");
        keys.MapGet("/", ListKeys).WithName("listApiKeys")
            .WithSummary("List API keys (admin)").WithReadProblems(item: false).RequireKey(AuthSetup.Admin);
        keys.MapDelete("/{id:guid}", RevokeKey).WithName("revokeApiKey")
            .WithSummary("Revoke an API key (admin); it stops working at once").WithReadProblems().RequireKey(AuthSetup.Admin);

        routes.MapGroup("/api/v1/audit").WithTags("Administration")
            .MapGet("/", ListAudit).WithName("listAuditEntries")
            .WithSummary("List the audit log of every write, oldest first (admin)").WithReadProblems(item: false)
            .RequireKey(AuthSetup.Admin);
        return routes;
    }

    private static Task<Results<Ok<Page<ApiKeyResponse>>, ProblemHttpResult>> ListKeys(
        [AsParameters] PageQuery query, ApiKeysStore store, CancellationToken ct) =>
        ReadEndpoints.List(query, store.ListAsync, r => r.Id, r => r.Map<ApiKeyResponse>(), ct);

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(Guid id, HttpContext context, ApiKeysStore store, CancellationToken ct) =>
        await store.RevokeAsync(id, Caller.From(context.User).KeyId, ct) ? TypedResults.NoContent() : Problems.NotFound("API key", id.ToString());

    private static Task<Results<Ok<Page<AuditEntryResponse>>, ProblemHttpResult>> ListAudit(
        [AsParameters] PageQuery query, ApiKeysStore store, CancellationToken ct) =>
        ReadEndpoints.List(query, store.ListAuditAsync, r => r.Id, r => r.Map<AuditEntryResponse>(), ct);
}
