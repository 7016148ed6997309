using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using RoundTable.Api.Errors;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Paging;

/// <summary>How a list is answered: a JSON page, or the whole list streamed as CSV or NDJSON.</summary>
internal enum ListFormat
{
    Json,
    Csv,
    Ndjson,
}

/// <summary>
/// Marks a list's export route (GET /api/v1/events.csv, .ndjson): the list's handler answers it, with its format fixed
/// by the route rather than by format= or Accept (Exports.ExportRoutes maps them).
/// </summary>
internal sealed record ExportRoute(ListFormat Format);

/// <summary>One list in a relevance page (ListQuery.RankedSql): its SELECT (with an "id" column), FROM, base condition and spec.</summary>
internal sealed record RankedSource(string Select, string From, string Where, ListSpec Spec);

/// <summary>A parsed, validated list request: filters, search, sort, keyset position, includes and format.</summary>
internal sealed partial class ListQuery
{
    public const string CsvMediaType = "text/csv";
    public const string NdjsonMediaType = "application/x-ndjson";

    /// <summary>Parameters every top-level list takes, beside its own filters.</summary>
    public static readonly IReadOnlyList<string> CommonParameters =
        ["limit", "cursor", "sort", "q", "updated_since", "include", "format", "bom", LanguageNegotiation.QueryParameter];

    private readonly List<string> _conditions = [];
    private readonly List<FilterReference> _references = [];

    private ListQuery(ListSpec spec) => Spec = spec;

    public ListSpec Spec { get; }

    public int Limit { get; private set; } = PageRequest.DefaultLimit;

    public SortSpec Sort { get; private set; } = null!;

    public bool Descending { get; private set; }

    public CursorPosition? After { get; private set; }

    public IReadOnlySet<string> Includes { get; private set; } = new HashSet<string>();

    public ListFormat Format { get; private set; }

    /// <summary>bom=true: a CSV export starts with the UTF-8 byte-order mark, which spreadsheets need to read it as UTF-8.</summary>
    public bool ByteOrderMark { get; private set; }

    /// <summary>CSV or NDJSON: the whole list, streamed (Exports.ExportResult).</summary>
    public bool IsExport => Format != ListFormat.Json;

    public DynamicParameters Parameters { get; } = new();

    /// <summary>The resources the filters name: each must exist (KeyResolver.UnknownFilterReferencesAsync) before the list runs.</summary>
    public IReadOnlyList<FilterReference> References => _references;

    /// <summary>Parses every query parameter; anything unknown or malformed is a 400 problem naming the parameter.</summary>
    public static bool TryParse(HttpRequest request, ListSpec spec, out ListQuery query, out ProblemHttpResult? problem) =>
        TryParse(request.Query, request.Headers.Accept, spec, out query, out problem,
            request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ExportRoute>()?.Format);

    public static bool TryParse(IQueryCollection parameters, StringValues accept, ListSpec spec, out ListQuery query, out ProblemHttpResult? problem,
        ListFormat? routeFormat = null)
    {
        query = new ListQuery(spec);
        var errors = new Dictionary<string, string[]>();
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (given, values) in parameters)
        {
            // Parameter names are case-insensitive, as in ASP.NET Core's own binding.
            var name = given.ToLowerInvariant();
            var known = CommonParameters.Contains(name) || spec.Filters.Any(f => f.Name == name);
            if (!known)
            {
                var allowed = CommonParameters.Concat(spec.Filters.Select(f => f.Name));
                errors[name] = [$"Unknown parameter '{name}'. This list takes: {string.Join(", ", allowed)}."];
            }
            else if (values.Count != 1)
            {
                errors[name] = [$"Give {name} once."];
            }
            else if ((values[0] ?? "").Any(char.IsControl))
            {
                errors[name] = [$"{name} must not contain control characters."];
            }
            else
            {
                raw[name] = values[0] ?? "";
            }
        }

        if (routeFormat is { } fixedFormat)
        {
            query.Format = fixedFormat;
            if (raw.ContainsKey("format"))
            {
                errors["format"] = ["This route is an export of one format already: leave out format."];
            }
        }
        else
        {
            query.Format = ParseFormat(accept, raw, errors);
        }
        if (raw.TryGetValue("bom", out var bom))
        {
            if (bom is not ("true" or "false"))
            {
                errors["bom"] = ["bom takes true or false."];
            }
            else if (query.Format != ListFormat.Csv)
            {
                errors["bom"] = ["bom is for CSV exports (format=csv)."];
            }
            query.ByteOrderMark = bom == "true";
        }
        if (raw.TryGetValue("limit", out var limitText))
        {
            if (query.Format != ListFormat.Json)
            {
                errors["limit"] = ["Exports are not paged: they stream every matching item. Drop limit."];
            }
            else if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1 || limit > PageRequest.MaxLimit)
            {
                errors["limit"] = [$"limit must be an integer from 1 to {PageRequest.MaxLimit}."];
            }
            else
            {
                query.Limit = limit;
            }
        }

        string? search = null;
        if (raw.TryGetValue("q", out var q))
        {
            search = q.Trim();
            if (search.Length is 0 or > 200 || !search.Any(char.IsLetterOrDigit))
            {
                errors["q"] = ["q must be 1 to 200 characters with at least one letter or digit."];
                search = null;
            }
            else
            {
                query.Parameters.Add("q", search);
                query._conditions.Add(spec.SearchCondition);
                query._search = search;
            }
        }

        query.Sort = search is null ? spec.ById : spec.Sorts.First(s => s.Name == "relevance");
        query.Descending = search is not null;
        if (raw.TryGetValue("sort", out var sortText))
        {
            var descending = sortText.StartsWith('-');
            var name = descending ? sortText[1..] : sortText;
            var sort = spec.Sorts.FirstOrDefault(s => s.Name == name);
            if (sort is null || (sort.Name == "relevance" && (search is null || descending)))
            {
                var names = spec.Sorts.Select(s => s.Name).Where(n => n != "relevance");
                errors["sort"] = [$"sort takes one of {string.Join(", ", names)}, with a leading '-' for descending; relevance (best first) needs q."];
            }
            else
            {
                query.Sort = sort;
                query.Descending = descending || sort.Name == "relevance";
            }
        }

        if (raw.TryGetValue("updated_since", out var since))
        {
            if (TryParseInstant(since, out var instant))
            {
                query.Parameters.Add("updated_since", instant.UtcDateTime);
                query._conditions.Add($"{spec.Alias}.updated_at >= @updated_since");
            }
            else
            {
                errors["updated_since"] = ["updated_since must be an RFC 3339 date-time, e.g. 2024-07-29T00:00:00Z."];
            }
        }

        if (raw.TryGetValue("include", out var includeText))
        {
            var names = includeText.Split(',').Select(n => n.Trim()).ToHashSet(StringComparer.Ordinal);
            var unknown = names.Where(n => !spec.Includes.Contains(n)).ToList();
            if (unknown.Count > 0 || names.Count == 0 || includeText.ToString().Length > 200)
            {
                errors["include"] = [spec.Includes.Count == 0
                    ? "This list embeds nothing."
                    : $"include takes one or more of: {string.Join(", ", spec.Includes)} (comma-separated)."];
            }
            query.Includes = names;
        }

        foreach (var filter in spec.Filters)
        {
            if (raw.TryGetValue(filter.Name, out var value))
            {
                var condition = filter.TryApply(value, query.Parameters, out var error);
                if (condition is null)
                {
                    errors[filter.Name] = [error!];
                }
                else
                {
                    query._conditions.Add(condition);
                    if (filter.ReferenceOf(value!) is { } reference)
                    {
                        query._references.Add(reference);
                    }
                }
            }
        }

        if (raw.TryGetValue("cursor", out var cursorText))
        {
            if (!Cursor.TryDecode(cursorText, out CursorPosition position))
            {
                errors["cursor"] = ["cursor is not a cursor this API issued; pass nextCursor from a previous page unchanged."];
            }
            else if (position.Sort != query.SortToken)
            {
                errors["cursor"] = ["This cursor continues another order (or another search): keep sort and q unchanged while paging."];
            }
            else if (!IsKeyOf(query.Sort, position.Key))
            {
                errors["cursor"] = ["cursor is not a cursor this API issued; pass nextCursor from a previous page unchanged."];
            }
            else
            {
                query.After = position;
            }
        }

        if (query.IsExport && query.Includes.Count > 0 && !errors.ContainsKey("include"))
        {
            errors["include"] = ["Exports carry the list's own fields; include is for JSON pages."];
        }

        if (errors.Count > 0)
        {
            problem = Problems.Validation(errors);
            return false;
        }
        problem = null;
        return true;
    }

    /// <summary>An RFC 3339 date-time (with its offset or Z).</summary>
    public static bool TryParseInstant(string value, out DateTimeOffset instant)
    {
        instant = default;
        return ExplicitOffset().IsMatch(value)
            && DateTimeOffset.TryParseExact(value, s_rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static readonly string[] s_rfc3339 =
        ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd't'HH:mm:ssK", "yyyy-MM-dd't'HH:mm:ss.FFFFFFFK"];

    [System.Text.RegularExpressions.GeneratedRegex(@"^([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?)([+-][0-9]{2})(:[0-9]{2})?\z")]
    private static partial System.Text.RegularExpressions.Regex PostgresTimestamp();

    [System.Text.RegularExpressions.GeneratedRegex(@"(Z|z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial System.Text.RegularExpressions.Regex ExplicitOffset();

    /// <summary>A timestamptz as PostgreSQL writes it, and a real instant.</summary>
    private static bool IsPostgresTimestamp(string? key)
    {
        var match = key is null ? null : PostgresTimestamp().Match(key);
        return match is { Success: true }
            && DateTimeOffset.TryParse($"{match.Groups[1].Value}T{match.Groups[2].Value}{match.Groups[4].Value}{(match.Groups[5].Success ? match.Groups[5].Value : ":00")}",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }

    /// <summary>Whether a cursor's sort key is a value of the sort's SQL type (as the database wrote it).</summary>
    private static bool IsKeyOf(SortSpec sort, string? key) => sort.Cast switch
    {
        "uuid" => key is null || Guid.TryParse(key, out _),
        "date" => DateOnly.TryParseExact(key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "timestamptz" => IsPostgresTimestamp(key),
        // A relevance tier.
        "integer" => key is "1" or "2",
        _ => key is not null && !key.Any(char.IsControl),
    };

    private static ListFormat ParseFormat(StringValues accept, Dictionary<string, string> raw, Dictionary<string, string[]> errors)
    {
        if (raw.TryGetValue("format", out var format))
        {
            switch (format)
            {
                case "json": return ListFormat.Json;
                case "csv": return ListFormat.Csv;
                case "ndjson": return ListFormat.Ndjson;
                default:
                    errors["format"] = ["format takes json, csv or ndjson."];
                    return ListFormat.Json;
            }
        }
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var accepted))
        {
            return ListFormat.Json;
        }
        // The client's most preferred of the three; JSON when it accepts anything.
        foreach (var media in accepted.Where(a => a.Quality is null or > 0).OrderByDescending(a => a.Quality ?? 1))
        {
            var type = media.MediaType.Value;
            if (string.Equals(type, CsvMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return ListFormat.Csv;
            }
            if (string.Equals(type, NdjsonMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return ListFormat.Ndjson;
            }
            if (type is not null && (type.Contains("json", StringComparison.OrdinalIgnoreCase) || type.Contains('*')))
            {
                return ListFormat.Json;
            }
        }
        return ListFormat.Json;
    }

    /// <summary>Reads the list in pages of <paramref name="limit"/> from <paramref name="after"/> (a feed read in batches).</summary>
    public void Page(int limit, CursorPosition? after)
    {
        Limit = limit;
        After = after;
    }

    private string? _search;

    /// <summary>The sort as written in cursors: its name, with '-' when descending; a relevance order belongs to its search.</summary>
    public string SortToken => Sort.Name == "relevance"
        ? $"relevance:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(_search ?? "")).AsSpan(0, 6))}"
        : (Descending ? "-" : "") + Sort.Name;

    /// <summary>
    /// The list's SELECT: <paramref name="select"/> plus the sort key, <paramref name="from"/>, the base condition,
    /// the filters, the keyset position and the order; LIMIT for a page, none for an export.
    /// </summary>
    public string Sql(string select, string from, string where)
    {
        if (Sort.Tiers is not null && Format == ListFormat.Json)
        {
            return RankedSql([new RankedSource(select, from, where, Spec)], $"SELECT {Spec.Alias}.*", conditionsInSources: true);
        }
        var id = $"{Spec.Alias}.id";
        var direction = Descending ? "DESC" : "ASC";
        var builder = new StringBuilder()
            .Append(select).Append(", (").Append(Sort.Sql).Append(")::text AS sort_key\n")
            .Append("FROM ").Append(from).Append("\nWHERE ").Append(where);
        foreach (var condition in _conditions)
        {
            builder.Append("\n  AND ").Append(condition);
        }
        if (After is { } after)
        {
            var comparison = Descending ? "<" : ">";
            if (Sort.Sql == id)
            {
                builder.Append($"\n  AND {id} {comparison} @after_id");
            }
            else
            {
                builder.Append($"\n  AND (({Sort.Sql}), {id}) {comparison} (@after_key::{Sort.Cast}, @after_id)");
                Parameters.Add("after_key", after.Key);
            }
            Parameters.Add("after_id", after.Id);
        }
        builder.Append($"\nORDER BY ");
        if (Sort.Sql != id)
        {
            builder.Append($"({Sort.Sql}) {direction}, ");
        }
        builder.Append($"{id} {direction}");
        if (Format == ListFormat.Json)
        {
            builder.Append("\nLIMIT ").Append(FetchSize(Limit).ToString(CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>
    /// A JSON page of a relevance order (title matches, then other matches, newest first in each) over
    /// <paramref name="sources"/>, at a cost that does not grow with how many rows match. Per source and tier, two
    /// branches of which the statement runs one (a one-time filter on <see cref="RelevanceTiers.Common"/>): a walk in
    /// id order that stops at a page of matches, for a word common in the tier's column; or the GIN index's matches,
    /// fenced (OFFSET 0) so that the walk's LIMIT cannot pull the plan into walking, for a rare one. The keyset position
    /// (tier, id) skips passed tiers and starts the current one after the id. The list's filters go into every branch
    /// (<paramref name="conditionsInSources"/>) or, for a merged search, apply to the merged rows.
    /// </summary>
    public string RankedSql(IReadOnlyList<RankedSource> sources, string outerSelect, bool conditionsInSources)
    {
        var fetch = FetchSize(Limit).ToString(CultureInfo.InvariantCulture);
        int? afterTier = null;
        if (After is { } after)
        {
            afterTier = int.Parse(after.Key!, NumberStyles.None, CultureInfo.InvariantCulture);
            Parameters.Add("after_id", after.Id);
        }
        var conditions = _conditions.Where(c => c != Spec.SearchCondition).ToList();
        var outer = conditionsInSources ? "" : string.Concat(conditions.Select(c => "\n  AND " + c));
        var alias = Spec.Alias;
        var ctes = new List<string>();
        var names = new List<string>();
        foreach (var tier in new[] { 2, 1 })
        {
            if (afterTier is { } at && tier > at)
            {
                continue;
            }
            // The other matches are read only when the title matches did not fill the page: when nearly every match is
            // a title match, walking for the few others would read the whole table.
            var needed = tier == 1 && names.Count > 0 ? $" AND (SELECT count(*) FROM tier2) < {fetch}" : "";
            var branches = new List<string>();
            foreach (var source in sources)
            {
                var tiers = source.Spec.Sorts.Single(s => s.Name == "relevance").Tiers!;
                var own = source.Spec.Alias;
                var where = string.Join(" AND ", conditionsInSources ? conditions.Prepend(source.Where) : [source.Where]);
                var (walk, lookup, common) = tier == 2
                    ? (tiers.TitleWalk, tiers.Title, tiers.Common("search_title"))
                    : ($"({tiers.RestWalk}) AND NOT {tiers.TitleWalk}", $"({source.Spec.SearchCondition}) AND NOT ({tiers.Title})",
                        tiers.Common("search", except: "search_title"));
                var keyset = afterTier == tier ? $" AND {own}.id < @after_id" : "";
                var head = $"{source.Select}, '{tier}'::text AS sort_key FROM {source.From} WHERE {where}{needed}";
                // A merged search's filters (type, updated_since) apply to each branch's rows before its LIMIT: applied
                // after it, a page of the newest matches could filter down to nothing while older ones qualify.
                branches.Add($"(SELECT * FROM ({head}\n   AND {walk} AND {common}{keyset}) {alias}\n   WHERE true{outer} ORDER BY {alias}.id DESC LIMIT {fetch})");
                branches.Add($"(SELECT * FROM ({head}\n   AND {lookup} AND NOT {common}{keyset} OFFSET 0) {alias}\n   WHERE true{outer} ORDER BY {alias}.id DESC LIMIT {fetch})");
            }
            names.Add($"tier{tier}");
            ctes.Add($"tier{tier} AS MATERIALIZED (SELECT * FROM ({string.Join("\nUNION ALL\n", branches)}) {alias}\n"
                + $"ORDER BY {alias}.id DESC LIMIT {fetch})");
        }
        var tiersRead = string.Join(" UNION ALL ", names.Select(n => $"SELECT * FROM {n}"));
        return $"WITH {string.Join(",\n", ctes)}\n{outerSelect}\nFROM ({tiersRead}) {alias}\n"
            + $"ORDER BY {alias}.sort_key DESC, {alias}.id DESC\nLIMIT {fetch}";
    }

    /// <summary>
    /// Rows to read for a page of <paramref name="limit"/> (at least one more, to know whether a next page exists): one
    /// of a few fixed sizes, written into the statement. A LIMIT parameter hid the size from the server, so it planned
    /// every execution afresh; with the size in the text, each list statement has a handful of shapes, each prepared
    /// and planned once.
    /// </summary>
    internal static int FetchSize(int limit) => s_fetchSizes.FirstOrDefault(size => size > limit, limit + 1);

    private static readonly int[] s_fetchSizes = [11, 21, 51, 101];

    /// <summary>The page of <paramref name="rows"/>: at most Limit items, and the cursor after the last one.</summary>
    public Page<T> ToPage<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, T> map) where TRow : IListRow
    {
        var hasMore = rows.Count > Limit;
        var items = rows.Take(Limit).Select(map).ToList();
        var next = hasMore ? Cursor.Encode(new CursorPosition(SortToken, rows[Limit - 1].SortKey, rows[Limit - 1].Id)) : null;
        return new Page<T>(items, next);
    }
}
