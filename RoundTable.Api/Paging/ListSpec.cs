using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using RoundTable.Api.Database;
using RoundTable.Api.Http;
using RoundTable.Api.Json;

namespace RoundTable.Api.Paging;

/// <summary>
/// What a top-level list accepts besides paging: its filters, sort orders, full-text search and includes. The same
/// description parses requests (<see cref="ListQuery"/>), builds the SQL and documents the OpenAPI parameters.
/// </summary>
internal sealed record ListSpec(
    string Resource,
    string Alias,
    IReadOnlyList<SortSpec> Sorts,
    IReadOnlyList<FilterSpec> Filters,
    string SearchCondition,
    IReadOnlyList<string> Includes,
    bool SearchRequired = false)
{
    /// <summary>
    /// The tsquery of the parameter q, for search conditions and ranks. A scalar subquery, so the server computes it
    /// once per execution (an init plan) rather than once per row, and does not fold it into the plan: the statement
    /// keeps one generic plan (prepared once) instead of being planned afresh for every search term, which cost more
    /// than running it.
    /// </summary>
    public const string SearchQuery = "(SELECT rt_query(@q))";

    /// <summary>The search rank (the relevance order's key): SQL that needs the parameter q.</summary>
    public string SearchRank => Sorts.Single(s => s.Name == "relevance").Sql;

    /// <summary>The order by id: creation order (UUID v7), the default without a search.</summary>
    public SortSpec ById => Sorts[0];

    public static SortSpec Id(string alias) => new("id", $"{alias}.id", "uuid", "Creation order (the default).");

    public static SortSpec UpdatedAt(string alias) => new("updatedAt", $"{alias}.updated_at", "timestamptz", "Time of the last change.");

    public const string RelevanceDescription =
        "Relevance, best first (the default with q, and only with q): matches in the title or name first, then matches "
        + "anywhere else; newest first within each.";

    /// <summary>
    /// Relevance in two tiers: a match in the title or name (<c>search_title</c>) before a match anywhere else
    /// (<paramref name="restWalk"/>, by default the row's <c>search</c> document), newest first within a tier. Every
    /// page costs about the same whatever the word: see <see cref="RelevanceTiers"/> and db/0013_bounded_search_and_filters.sql.
    /// </summary>
    public static SortSpec Relevance(string alias, string table, string? restWalk = null) =>
        new("relevance", $"(CASE WHEN {alias}.search_title @@ {SearchQuery} THEN 2 ELSE 1 END)", "integer", RelevanceDescription)
        {
            Tiers = new RelevanceTiers(table, $"{alias}.search_title @@ {SearchQuery}", $"ts_match_vq({alias}.search_title, {SearchQuery})",
                restWalk ?? $"ts_match_vq({alias}.search, {SearchQuery})"),
        };
}

/// <summary>A sort order: its SQL key (the id breaks ties) and the key's SQL type, for cursors.</summary>
internal sealed record SortSpec(string Name, string Sql, string Cast, string Description)
{
    /// <summary>For the relevance order of a list: how a page of each tier is found (ListQuery.RankedSql).</summary>
    public RelevanceTiers? Tiers { get; init; }
}

/// <summary>
/// The two tiers of a relevance order over <paramref name="Table"/>: <paramref name="Title"/> matches, then the other
/// matches. A page of a tier is either a walk of the table in id order that stops after a page of matches (when the
/// word is common in the tier's column, so a page is near), or the GIN index's matches sorted (when it is rare, so
/// they are few); <see cref="Common"/> says which, per statement, from the column's statistics. The walk's conditions
/// (<paramref name="TitleWalk"/>, <paramref name="RestWalk"/>) call ts_match_vq, the function behind @@, which no
/// index serves: otherwise a generic plan that guesses few matches may still prefer the index and sort every match.
/// </summary>
internal sealed record RelevanceTiers(string Table, string Title, string TitleWalk, string RestWalk)
{
    /// <summary>Whether q is common in <paramref name="column"/> (less its matches in <paramref name="except"/>, whose lexemes it also holds).</summary>
    public string Common(string column, string? except = null) =>
        $"(SELECT public.rt_common_term(@q, '{Table}', '{column}'{(except is null ? "" : $", '{except}'")}))";
}

/// <summary>
/// What the contract says a filter's raw value looks like: exactly what <see cref="FilterSpec.TryApply"/> accepts as
/// far as a pattern can say it (an ECMA-262 pattern, a maximum length, a format).
/// </summary>
internal sealed record FilterShape(int MaxLength, string? Pattern = null, string? Format = null);

/// <summary>A filter parameter: parses its raw value into a SQL condition with its parameter.</summary>
/// <param name="Example">A value that finds something in the seed: the contract's example, tried by a test.</param>
internal abstract partial record FilterSpec(string Name, string Description, string Example)
{
    protected string Parameter => "f_" + Name.Replace('_', 'x');

    public abstract FilterShape Shape { get; }

    /// <summary>The condition for <paramref name="raw"/>, or an error message saying what is expected.</summary>
    public abstract string? TryApply(string raw, DynamicParameters parameters, out string? error);

    /// <summary>The resources <paramref name="raw"/> (already applied) must name: a filter naming nothing is a 400, not an empty page.</summary>
    public virtual FilterReference? ReferenceOf(string raw) => null;

    /// <summary>
    /// A comma-separated list of <paramref name="item"/> (a pattern without anchors), spaces allowed around items: the
    /// values every comma-list parameter (filters, include, the feed's type) accepts, for the contract.
    /// </summary>
    public static string ListPattern(string item) => $@"^\s*({item})\s*(,\s*({item})\s*)*$";

    protected static IEnumerable<string> Items(string raw) => raw.Split(',').Select(v => v.Trim());

    /// <summary>
    /// <paramref name="column"/> equals one of <paramref name="values"/>. One value (the usual case) is a plain
    /// equality, which a generic plan can serve from an index ordered by the sort (e.g. country, start_date): with
    /// "= ANY(array)" it cannot know there is a single value and walks the sort's index instead.
    /// </summary>
    protected static string OneOf(string column, string parameter, string[] values, DynamicParameters parameters, string type)
    {
        if (values.Length == 1)
        {
            parameters.Add(parameter, values[0]);
            return $"{column} = @{parameter}::{type}";
        }
        parameters.Add(parameter, values);
        return $"{column} = ANY(@{parameter}::{type}[])";
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    protected static partial Regex SlugPattern();
}

/// <summary>One or more of a fixed set of values (comma-separated): <c>kind=conference,seminar</c>.</summary>
internal sealed record ValuesFilter(string Name, string Description, string Column, IReadOnlyCollection<string> Allowed, string Example)
    : FilterSpec(Name, Description, Example)
{
    public static ValuesFilter Of<T>(string name, string description, string column, T example) where T : struct, Enum =>
        new(name, description, column, SnakeCaseEnum<T>.Names.Order(StringComparer.Ordinal).ToList(), SnakeCaseEnum<T>.ToName(example));

    public override FilterShape Shape => new(500, ListPattern(string.Join('|', Allowed)));

    public override string? TryApply(string raw, DynamicParameters parameters, out string? error)
    {
        var values = Items(raw).ToArray();
        var bad = values.Where(v => !Allowed.Contains(v)).ToList();
        if (raw.Length > Shape.MaxLength || values.Length == 0 || bad.Count > 0)
        {
            error = $"{Name} takes one or more of: {string.Join(", ", Allowed)} (comma-separated).";
            return null;
        }
        error = null;
        return OneOf(Column, Parameter, values.Distinct().ToArray(), parameters, "text");
    }
}

/// <summary>One or more ISO 3166-1 alpha-2 country codes: <c>country=KZ,KR</c>.</summary>
internal sealed partial record CountryFilter(string Name, string Description, string Column) : FilterSpec(Name, Description, "KZ")
{
    [GeneratedRegex("^[A-Za-z]{2}$")]
    private static partial Regex Code();

    public override FilterShape Shape => new(500, ListPattern("[A-Za-z]{2}"));

    public override string? TryApply(string raw, DynamicParameters parameters, out string? error)
    {
        var values = Items(raw).ToArray();
        if (raw.Length > Shape.MaxLength || values.Length == 0 || !values.All(v => Code().IsMatch(v)))
        {
            error = $"{Name} takes ISO 3166-1 alpha-2 country codes, comma-separated (e.g. KZ,KR).";
            return null;
        }
        error = null;
        // The columns are char(2): the value is cast to it, so that their indexes serve (a text value would cast the
        // column instead, and no index would).
        return OneOf(Column, Parameter, values.Select(v => v.ToUpperInvariant()).Distinct().ToArray(), parameters, "bpchar");
    }
}

/// <summary>A calendar date (YYYY-MM-DD); the condition uses <c>{0}</c> for the value.</summary>
internal sealed record DateFilter(string Name, string Description, string Condition) : FilterSpec(Name, Description, "2024-07-29")
{
    public override FilterShape Shape { get; } = new(10, @"^\d{4}-\d{2}-\d{2}$", "date");

    public override string? TryApply(string raw, DynamicParameters parameters, out string? error)
    {
        if (!DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            error = $"{Name} must be a date as YYYY-MM-DD.";
            return null;
        }
        error = null;
        parameters.Add(Parameter, date);
        return string.Format(CultureInfo.InvariantCulture, Condition, "@" + Parameter);
    }
}

/// <summary>
/// Another resource by UUID or slug, one of <paramref name="Targets"/> (a name that is none of them is a 400); the
/// condition uses <c>{id}</c> and <c>{slug}</c>.
/// </summary>
internal sealed record ReferenceFilter(string Name, string Description, string Condition, string Example, IReadOnlyList<KeyLookup> Targets)
    : FilterSpec(Name, Description, Example)
{
    public override FilterShape Shape { get; } = new(ResourceKey.MaxSlugLength, ResourceKey.Pattern);

    public override FilterReference? ReferenceOf(string raw) =>
        ResourceKey.TryParse(raw, out var key, out _) ? new FilterReference(Name, raw, key, Targets) : null;

    public override string? TryApply(string raw, DynamicParameters parameters, out string? error)
    {
        if (!ResourceKey.TryParse(raw, out var key, out _))
        {
            error = $"{Name} must be a UUID or a slug.";
            return null;
        }
        error = null;
        parameters.Add(Parameter + "_id", key.Id);
        parameters.Add(Parameter + "_slug", key.Slug);
        return Condition.Replace("{id}", $"@{Parameter}_id::uuid", StringComparison.Ordinal)
            .Replace("{slug}", $"@{Parameter}_slug::text", StringComparison.Ordinal);
    }
}

/// <summary>A slug (lower-case words joined by hyphens) of <paramref name="Target"/>; the condition uses <c>{0}</c>.</summary>
internal sealed record SlugFilter(string Name, string Description, string Condition, string SlugExample, KeyLookup Target)
    : FilterSpec(Name, Description, SlugExample)
{
    public override FilterShape Shape { get; } = new(ResourceKey.MaxSlugLength, "^[a-z0-9]+(-[a-z0-9]+)*$");

    public override FilterReference? ReferenceOf(string raw) => new(Name, raw, new ResourceKey(null, raw), [Target]);

    public override string? TryApply(string raw, DynamicParameters parameters, out string? error)
    {
        if (raw.Length > 100 || !SlugPattern().IsMatch(raw))
        {
            error = $"{Name} must be a slug (lower-case letters and digits joined by hyphens).";
            return null;
        }
        error = null;
        parameters.Add(Parameter, raw);
        return string.Format(CultureInfo.InvariantCulture, Condition, "@" + Parameter);
    }
}

/// <summary>Free text matched case- and accent-insensitively inside a localized field; <c>{0}</c> is the folded pattern.</summary>
internal sealed record ContainsFilter(string Name, string Description, string Column, string TextExample) : FilterSpec(Name, Description, TextExample)
{
    public override FilterShape Shape { get; } = new(200, @"\S");

    public override string? TryApply(string raw, DynamicParameters parameters, out string? error)
    {
        if (raw.Length > Shape.MaxLength || raw.Trim().Length == 0)
        {
            error = $"{Name} must be 1 to 200 characters of text.";
            return null;
        }
        error = null;
        var escaped = raw.Trim().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
        parameters.Add(Parameter, escaped);
        return $"rt_fold(rt_all_text({Column})) LIKE '%' || rt_fold(@{Parameter}) || '%'";
    }
}

/// <summary>A resource a filter names, to be found among <paramref name="Targets"/> before the list runs.</summary>
internal sealed record FilterReference(string Filter, string Raw, ResourceKey Key, IReadOnlyList<KeyLookup> Targets);
