using System.Buffers.Text;
using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoundTable.Api.Paging;

/// <summary>One page of a list. Follow nextCursor (or the Link header's rel="next") until it is null to walk the whole list.</summary>
public sealed record Page<T>(
    IReadOnlyList<T> Items,
    [property: Description("Opaque cursor for the next page; null on the last page.")] string? NextCursor) : IPage;

/// <summary>A row of a top-level list: its id and its sort key as text (ListQuery), which make the next page's cursor.</summary>
internal interface IListRow
{
    Guid Id { get; }

    string? SortKey { get; }
}

/// <summary>What every page has, whatever its items: the cursor of the next one.</summary>
internal interface IPage
{
    string? NextCursor { get; }
}

/// <summary>A validated page request: at most <see cref="Limit"/> items after the cursor's position.</summary>
internal readonly record struct PageRequest(int Limit, Guid? After, DateTime? UpdatedSince = null)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Rows to fetch: one more than the limit tells whether a next page exists.</summary>
    public int FetchCount => Limit + 1;

    /// <summary>The parameters of a relation list's statement (Database.Sql.After and PageOrder) under parent @ParentId.</summary>
    public object Parameters(Guid parentId) => new { ParentId = parentId, After, UpdatedSince, Fetch = FetchCount };

    /// <summary>The parameters of a list that has no parent (Database.Sql.After and PageOrder).</summary>
    public object Parameters() => new { After, UpdatedSince, Fetch = FetchCount };

    public Page<T> ToPage<TRow, T>(IReadOnlyList<TRow> rows, Func<TRow, Guid> key, Func<TRow, T> map)
    {
        var hasMore = rows.Count > Limit;
        var items = rows.Take(Limit).Select(map).ToList();
        var next = hasMore ? Cursor.Encode(key(rows[Limit - 1])) : null;
        return new Page<T>(items, next);
    }
}

/// <summary>Where a keyset page ends: the sort it belongs to, the last item's sort key and id.</summary>
internal readonly record struct CursorPosition(string Sort, string? Key, Guid Id);

/// <summary>
/// Keyset cursor: the position after which the next page starts. Opaque to clients (base64url) and versioned: v1
/// holds an id (creation order), v2 the sort, the sort key and the id.
/// </summary>
internal static class Cursor
{
    private const string V1 = "v1:";
    private const string V2 = "v2:";

    public static string Encode(Guid after) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(V1 + after.ToString("N")));

    public static string Encode(CursorPosition position) =>
        position.Sort == "id"
            ? Encode(position.Id)
            : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
                V2 + JsonSerializer.Serialize([position.Sort, position.Key, position.Id.ToString("N")], CursorJson.Default.StringArray)));

    public static bool TryDecode(string value, out Guid after)
    {
        var ok = TryDecode(value, out CursorPosition position) && position.Sort == "id";
        after = ok ? position.Id : Guid.Empty;
        return ok;
    }

    /// <summary>The text inside an opaque (base64url) cursor of at most <paramref name="maxLength"/> characters.</summary>
    public static bool TryDecodeText(string value, int maxLength, out string text)
    {
        text = "";
        if (value.Length == 0 || value.Length > maxLength)
        {
            return false;
        }
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static bool TryDecode(string value, out CursorPosition position)
    {
        position = default;
        if (!TryDecodeText(value, 1000, out var text))
        {
            return false;
        }
        if (text.StartsWith(V1, StringComparison.Ordinal))
        {
            if (!Guid.TryParseExact(text.AsSpan(V1.Length), "N", out var id))
            {
                return false;
            }
            position = new CursorPosition("id", null, id);
            return true;
        }
        if (!text.StartsWith(V2, StringComparison.Ordinal))
        {
            return false;
        }
        string?[]? parts;
        try
        {
            parts = JsonSerializer.Deserialize(text.AsSpan(V2.Length), CursorJson.Default.StringArray);
        }
        catch (JsonException)
        {
            return false;
        }
        if (parts is not [{ Length: > 0 } sort, var key, { } idText] || !Guid.TryParseExact(idText, "N", out var after))
        {
            return false;
        }
        position = new CursorPosition(sort, key, after);
        return true;
    }
}

[JsonSerializable(typeof(string[]))]
internal sealed partial class CursorJson : JsonSerializerContext;
