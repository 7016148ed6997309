using System.Security.Claims;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using RoundTable.Api.Database;

namespace RoundTable.Api.Auth;

/// <summary>
/// `Authorization: Bearer rt_...`: the key is looked up by its hash; revoked and expired keys fail. Failures answer
/// 401 (with WWW-Authenticate) or 403 as problem documents.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    // A key of a deleted institution no longer works.
    internal const string ActiveSql = """
        SELECT k.id, k.name, k.role, k.institution_id FROM api_keys k LEFT JOIN institutions i ON i.id = k.institution_id
        WHERE k.key_hash = @Hash AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
          AND i.deleted_at IS NULL
        """;

    private sealed class ActiveKey
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public Guid? InstitutionId { get; set; }
    }
    private const string Realm = "Bearer realm=\"RoundTable API\"";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 200)
        {
            return AuthenticateResult.Fail("The Authorization header is not a bearer key.");
        }
        var key = await dataSource.QuerySingleOrDefaultAsync<ActiveKey>(new CommandDefinition(
            ActiveSql, new { Hash = ApiKeySecrets.Hash(header["Bearer ".Length..].Trim()) }, cancellationToken: Context.RequestAborted));
        if (key is null)
        {
            return AuthenticateResult.Fail("Unknown, revoked or expired key.");
        }
        var claims = new List<Claim>
        {
            new(Caller.KeyIdClaim, key.Id.ToString()),
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role),
        };
        if (key.InstitutionId is { } institution)
        {
            claims.Add(new Claim(Caller.InstitutionClaim, institution.ToString()));
        }
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is null ? Realm : Realm + ", error=\"invalid_token\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "An API key is required.",
                Detail = result.Failure is null
                    ? "Send an API key as 'Authorization: Bearer <key>'."
                    : "The API key is unknown, revoked or expired.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "This key may not do that.",
                Detail = "Only admin keys may use this route.",
            },
        });
    }
}
