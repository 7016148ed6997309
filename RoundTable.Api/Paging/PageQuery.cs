using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RoundTable.Api.Database;
using RoundTable.Api.Errors;
using RoundTable.Api.Http;

namespace RoundTable.Api.Paging;

/// <summary>The paging parameters every list accepts (documented in OpenApiSetup's parameter filter).</summary>
internal sealed class PageQuery
{
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "limit")]
    public string? Limit { get; init; }

    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "updated_since")]
    public string? UpdatedSince { get; init; }

    /// <summary>
    /// The resource a relation list belongs to (<paramref name="idOrSlug"/> of <paramref name="parent"/>) and the page
    /// asked for; else 400 for a malformed key or page, 404 for a resource that is not there.
    /// </summary>
    public async Task<(Guid ParentId, PageRequest Page, ProblemHttpResult? Problem)> ForParentAsync(
        string idOrSlug, KeyLookup parent, KeyResolver resolver, CancellationToken ct)
    {
        if (!ResourceKey.TryParse(idOrSlug, out var key, out var problem) || !TryParse(out var page, out problem))
        {
            return (default, default, problem);
        }
        return await resolver.FindAsync(parent, key, ct) is { } id
            ? (id, page, null)
            : (default, default, Problems.NotFound(parent.Resource, idOrSlug));
    }

    /// <summary>Parses the raw query values; a bad limit or cursor is a 400 problem, never a silent default.</summary>
    public bool TryParse(out PageRequest request, out ProblemHttpResult? problem)
    {
        request = default;
        problem = null;
        var errors = new Dictionary<string, string[]>();

        var limit = PageRequest.DefaultLimit;
        if (Limit is not null
            && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit)
                || limit < 1 || limit > PageRequest.MaxLimit))
        {
            errors["limit"] = [$"limit must be an integer from 1 to {PageRequest.MaxLimit}."];
        }

        Guid? after = null;
        if (Cursor is not null)
        {
            if (Paging.Cursor.TryDecode(Cursor, out Guid decoded))
            {
                after = decoded;
            }
            else
            {
                errors["cursor"] = ["cursor is not a cursor this API issued; pass nextCursor from a previous page unchanged."];
            }
        }

        DateTime? since = null;
        if (UpdatedSince is not null)
        {
            if (ListQuery.TryParseInstant(UpdatedSince, out var instant))
            {
                since = instant.UtcDateTime;
            }
            else
            {
                errors["updated_since"] = ["updated_since must be an RFC 3339 date-time, e.g. 2024-07-29T00:00:00Z."];
            }
        }

        if (errors.Count > 0)
        {
            problem = Problems.Validation(errors);
            return false;
        }
        request = new PageRequest(limit, after, since);
        return true;
    }
}
