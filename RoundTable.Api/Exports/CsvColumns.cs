using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using RoundTable.Api.Json;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Exports;

/// <summary>The CSV columns of a list item: its scalar properties, named as in JSON, formatted as JSON writes them.</summary>
internal static class CsvColumns
{
    internal sealed record Column(string Name, Func<object, object?> Get);

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<Column>> s_columns = new();

    public static IReadOnlyList<Column> For(Type type) => s_columns.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => IsScalar(p.PropertyType))
        .Select(p => new Column(JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.GetValue))
        .ToList());

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid)
            || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(LocalizedText)
            || type == typeof(IReadOnlyList<string>);
    }

    /// <summary>The field as JSON shows it: localized text in the response language (every translation as a JSON
    /// object with lang=*), enumerations by their wire names, lists of strings joined by ';'.</summary>
    /// <summary>A cell holding every translation is JSON with its text as it is (UTF-8, not \uXXXX).</summary>
    private static readonly CsvJson s_rawJson = new(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static string? Format(object? value, LanguagePreference language) => value switch
    {
        null => null,
        string s => s,
        LocalizedText text => language.IsAll
            ? JsonSerializer.Serialize(new SortedDictionary<string, string>(text, StringComparer.Ordinal), s_rawJson.SortedDictionaryStringString)
            : language.Resolve(text).Text,
        Guid g => g.ToString("D"),
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        Enum e => SnakeCaseEnum.NameOf(e),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<string> list => string.Join(';', list),
        _ => value.ToString(),
    };
}

[System.Text.Json.Serialization.JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class CsvJson : System.Text.Json.Serialization.JsonSerializerContext;
