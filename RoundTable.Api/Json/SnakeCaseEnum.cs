using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RoundTable.Api.Json;

/// <summary>
/// Enumerations travel as snake_case strings, in JSON and in the database (text columns with CHECK constraints).
/// The wire name is the member's <see cref="JsonStringEnumMemberNameAttribute"/>, else its snake_case name.
/// </summary>
internal static class SnakeCaseEnum<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<string, T> s_byName = Enum.GetValues<T>()
        .ToFrozenDictionary(v => SnakeCaseEnum.NameOf(v), v => v, StringComparer.Ordinal);

    private static readonly FrozenDictionary<T, string> s_byValue = Enum.GetValues<T>()
        .ToFrozenDictionary(v => v, v => SnakeCaseEnum.NameOf(v));

    public static IReadOnlyCollection<string> Names => s_byName.Keys;

    public static T Parse(string value) =>
        s_byName.TryGetValue(value, out var result)
            ? result
            : throw new FormatException($"'{value}' is not a known {typeof(T).Name}.");

    public static bool TryParse(string? value, out T result)
    {
        result = default;
        return value is not null && s_byName.TryGetValue(value, out result);
    }

    public static string ToName(T value) => s_byValue[value];
}

internal static class SnakeCaseEnum
{
    private static readonly ConcurrentDictionary<Enum, string> s_names = new();

    /// <summary>The wire name of any enumeration value (for writers that get it boxed, such as CSV).</summary>
    public static string NameOf(Enum value) => s_names.GetOrAdd(value, v =>
    {
        var member = v.GetType().GetField(v.ToString(), BindingFlags.Public | BindingFlags.Static);
        return member?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString());
    });
}
