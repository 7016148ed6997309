using Dapper;

namespace RoundTable.Api.Auth;

/// <summary>
/// Who is reading, for the queries that hide drafts: an unpublished event (and what hangs off it) is visible only to
/// admins and to keys of its organizers or co-organizers. Anonymous and unknown callers see published events only;
/// code running outside a request (commands, seeding) sees everything.
/// </summary>
internal sealed class Viewer(IHttpContextAccessor accessor)
{
    /// <summary>True when event <c>e</c> is visible; the query needs the parameters of <see cref="With"/>.</summary>
    public const string CanSeeEvent = """
        (e.published OR @ViewerAdmin::boolean OR EXISTS (
            SELECT 1 FROM event_organizers vo
            WHERE vo.event_id = e.id AND vo.institution_id = @ViewerInstitution::uuid AND vo.role IN ('organizer', 'co_organizer')))
        """;

    /// <summary><paramref name="parameters"/> plus who is looking.</summary>
    public DynamicParameters With(object parameters)
    {
        var result = new DynamicParameters(parameters);
        var user = accessor.HttpContext?.User;
        var isAdmin = user is null || user.IsInRole("admin");
        result.Add("ViewerAdmin", isAdmin);
        result.Add("ViewerInstitution", user?.Identity?.IsAuthenticated == true ? Caller.From(user).InstitutionId : null);
        return result;
    }
}
