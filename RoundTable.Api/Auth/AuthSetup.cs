using Microsoft.AspNetCore.Authentication;

namespace RoundTable.Api.Auth;

internal static class AuthSetup
{
    /// <summary>Any valid key: admin or partner. Which rows a partner may touch is decided per resource.</summary>
    public const string Writer = "writer";
    public const string Admin = "admin";

    public static IServiceCollection AddRoundTableAuth(this IServiceCollection services)
    {
        services.AddSingleton<Viewer>();
        services.AddHttpContextAccessor();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Writer, p => p.RequireAuthenticatedUser())
            .AddPolicy(Admin, p => p.RequireRole("admin"));
        return services;
    }

    /// <summary>Requires a key and documents the 401/403 answers and the bearer scheme.</summary>
    public static TBuilder RequireKey<TBuilder>(this TBuilder builder, string policy = Writer) where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(policy);
        return builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
