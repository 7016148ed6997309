using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
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
