using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace RoundTable.Api.Validation;

/// <summary>
/// Finds the nulls inside the lists of a request body, at any depth (<c>organizers[1]</c>, <c>proposedBy[0]</c>,
/// <c>themes[2]</c>), before its validator runs: no validator rule and no write has to guard against a null element,
/// and a new request type is covered without a rule of its own. Used by <see cref="ValidationFilter"/> and by
/// <see cref="MergePatch"/> (on the merged request).
/// </summary>
internal static class NullElements
{
    public const string Message = "A list cannot contain null: leave the element out instead.";

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();

    /// <summary>The errors by field (as clients name them), or null when no list holds a null.</summary>
    public static Dictionary<string, string[]>? Find(object body)
    {
        var errors = new Dictionary<string, string[]>();
        Walk(body, "", errors, depth: 0);
        return errors.Count == 0 ? null : errors;
    }

    private static void Walk(object value, string path, Dictionary<string, string[]> errors, int depth)
    {
        if (depth > 8)
        {
            return; // request records nest two or three deep; the JSON reader bounds the rest
        }
        foreach (var property in Properties(value.GetType()))
        {
            if (property.GetValue(value) is not { } member || member is string)
            {
                continue;
            }
            var name = path.Length == 0 ? Camel(property.Name) : $"{path}.{Camel(property.Name)}";
            if (member is IList list)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not { } element)
                    {
                        errors[$"{name}[{i}]"] = [Message];
                    }
                    else if (IsRequestType(element.GetType()))
                    {
                        Walk(element, $"{name}[{i}]", errors, depth + 1);
                    }
                }
            }
            else if (IsRequestType(member.GetType()))
            {
                Walk(member, name, errors, depth + 1);
            }
        }
    }

    private static bool IsRequestType(Type type) =>
        type is { IsClass: true } && type.Namespace?.StartsWith("RoundTable.Api", StringComparison.Ordinal) == true
        && !typeof(IEnumerable).IsAssignableFrom(type);

    private static PropertyInfo[] Properties(Type type) => s_properties.GetOrAdd(type, t =>
        IsRequestType(t)
            ? t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray()
            : []);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
