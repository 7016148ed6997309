using Dapper;

namespace RoundTable.Api.Auth;

/// <summary>
/// Who is reading, for the queries whose answer depends on it (drafts: Events.EventQueries.Visible). Such SQL names
/// the reader as <c>@ViewerAdmin::boolean</c> and <c>@ViewerInstitution::uuid</c>; <see cref="Command"/> binds them.
/// Anonymous and unknown callers are neither admin nor of an institution; code running outside a request (commands,
/// seeding) is admin.
/// </summary>
internal sealed class Viewer(IHttpContextAccessor accessor)
{
    /// <summary>
    /// The command for <paramref name="sql"/> and its <paramref name="parameters"/> as this viewer runs it. What the
    /// viewer may see is written into the statement as constants where it is the same for everyone alike (anonymous
    /// readers, admins, keys without an institution), which the server folds away when it prepares the statement: one
    /// plan, prepared once, instead of a plan for every execution to prune a test it cannot see through. A key of an
    /// institution binds its id.
    /// </summary>
    public CommandDefinition Command(string sql, object parameters, CancellationToken ct, System.Data.IDbTransaction? transaction = null)
    {
        var user = accessor.HttpContext?.User;
        var isAdmin = user is null || user.IsInRole("admin");
        var institution = user?.Identity?.IsAuthenticated == true ? Caller.From(user).InstitutionId : null;
        var all = new DynamicParameters(parameters);
        if (institution is not null)
        {
            all.Add("ViewerInstitution", institution);
        }
        return new CommandDefinition(WithConstants(sql, isAdmin, institution is null), all, transaction, cancellationToken: ct);
    }

    /// <summary>The command for <paramref name="sql"/> as a key that is not the request's sees it (the webhook sender runs
    /// each subscription as the key that created it).</summary>
    public static CommandDefinition For(bool isAdmin, Guid? institution, string sql, object parameters, CancellationToken ct)
    {
        var all = new DynamicParameters(parameters);
        if (institution is not null)
        {
            all.Add("ViewerInstitution", institution);
        }
        return new CommandDefinition(WithConstants(sql, isAdmin, institution is null), all, cancellationToken: ct);
    }

    /// <summary><paramref name="sql"/> as an anonymous reader runs it (see <see cref="Command"/>).</summary>
    public static string Anonymous(string sql) => WithConstants(sql, isAdmin: false, noInstitution: true);

    /// <summary><paramref name="sql"/> as an admin key runs it (bench/ uses it for the write ceiling).</summary>
    internal static string Admin(string sql) => WithConstants(sql, isAdmin: true, noInstitution: true);

    private static string WithConstants(string sql, bool isAdmin, bool noInstitution)
    {
        var text = sql.Replace(AdminParameter, isAdmin ? "true" : "false", StringComparison.Ordinal);
        return noInstitution ? text.Replace(InstitutionParameter, "NULL::uuid", StringComparison.Ordinal) : text;
    }

    private const string AdminParameter = "@ViewerAdmin::boolean";
    private const string InstitutionParameter = "@ViewerInstitution::uuid";
}
