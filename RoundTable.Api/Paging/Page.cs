using System.Buffers.Text;
using System.ComponentModel;
using System.Text;

namespace RoundTable.Api.Paging;

/// <summary>One page of a list. Follow <see cref="NextCursor"/> until it is null to walk the whole list.</summary>
public sealed record Page<T>(
    IReadOnlyList<T> Items,
    [property: Description("Opaque cursor for the next page; null on the last page.")] string? NextCursor);

/// <summary>A validated page request: at most <see cref="Limit"/> items after the cursor's position.</summary>
internal readonly record struct PageRequest(int Limit, Guid? After)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Rows to fetch: one more than the limit tells whether a next page exists.</summary>
    public int FetchCount => Limit + 1;

    public Page<T> ToPage<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, Guid> key, Func<TRow, T> map)
    {
        var hasMore = rows.Count > Limit;
        var items = rows.Take(Limit).Select(map).ToList();
        var next = hasMore ? Cursor.Encode(key(rows[Limit - 1])) : null;
        return new Page<T>(items, next);
    }
}

/// <summary>
/// Keyset cursor: the position after which the next page starts. Opaque to clients (base64url), versioned so the
/// encoding can grow sort keys without breaking cursors already handed out.
/// </summary>
internal static class Cursor
{
    private const string Prefix = "v1:";

    public static string Encode(Guid after) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Prefix + after.ToString("N")));

    public static bool TryDecode(string value, out Guid after)
    {
        after = Guid.Empty;
        if (value.Length is 0 or > 200)
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return false;
        }
        var text = Encoding.UTF8.GetString(bytes);
        return text.StartsWith(Prefix, StringComparison.Ordinal)
            && Guid.TryParseExact(text.AsSpan(Prefix.Length), "N", out after);
    }
}
