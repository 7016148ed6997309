using System.Security.Claims;

namespace RoundTable.Api.Auth;

/// <summary>Who is calling: the key, whether it is an admin's, and the institution a partner key writes for.</summary>
internal sealed record Caller(Guid KeyId, bool IsAdmin, Guid? InstitutionId)
{
    public const string KeyIdClaim = "rt:key_id";
    public const string InstitutionClaim = "rt:institution_id";

    public static Caller From(ClaimsPrincipal user) => new(
        Guid.Parse(user.FindFirstValue(KeyIdClaim)!),
        user.IsInRole("admin"),
        user.FindFirstValue(InstitutionClaim) is { } institution ? Guid.Parse(institution) : null);
}
