using System.Text.RegularExpressions;
using RoundTable.Api.Http;

namespace RoundTable.Api.Database;

/// <summary>
/// An item query written once with the match <c>(x.id = @Id::uuid OR x.slug = @Slug::text)</c> and kept as two
/// statements, one matching the id and one the slug, chosen by the <see cref="ResourceKey"/>. With the OR, the
/// server planned every execution afresh for its parameters (about 0.25 ms per statement, more than running it):
/// each of the two has one plan, which the server prepares once and reuses.
/// </summary>
internal sealed partial class KeyedSql
{
    public KeyedSql(string sql)
    {
        ById = KeyMatch().Replace(sql, "$1.id = @Id::uuid");
        BySlug = KeyMatch().Replace(sql, "$1.slug = @Slug::text");
        if (ById == sql)
        {
            throw new ArgumentException("The query has no (x.id = @Id::uuid OR x.slug = @Slug::text) match.", nameof(sql));
        }
    }

    public string ById { get; }

    public string BySlug { get; }

    public string For(ResourceKey key) => key.Id is null ? BySlug : ById;

    [GeneratedRegex(@"\((\w+)\.id = @Id::uuid OR \1\.slug = @Slug::text\)")]
    private static partial Regex KeyMatch();
}
