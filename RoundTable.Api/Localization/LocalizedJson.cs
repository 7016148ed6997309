using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace RoundTable.Api.Localization;

/// <summary>
/// How responses render localized text. Request contracts (types named *Request) take and give every translation
/// as an object. Response contracts write each text as a string in the negotiated language, or as an object of
/// every translation for <c>?lang=*</c>; an object whose texts fell back to another language says which, in
/// <c>fallbackLanguages</c> (property name → language tag).
/// </summary>
internal static class LocalizedJson
{
    public const string FallbackProperty = "fallbackLanguages";

    public static void Modify(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !IsResponse(typeInfo.Type))
        {
            return;
        }
        var texts = typeInfo.Properties.Where(p => p.PropertyType == typeof(LocalizedText) && p.Get is not null).ToList();
        if (texts.Count == 0)
        {
            return;
        }
        foreach (var property in texts)
        {
            property.CustomConverter = ResolvingConverter.Instance;
        }
        var getters = texts.Select(p => (p.Name, Get: p.Get!)).ToList();
        var fallbacks = typeInfo.CreateJsonPropertyInfo(typeof(Dictionary<string, string>), FallbackProperty);
        fallbacks.Get = owner => Fallbacks(owner, getters);
        fallbacks.ShouldSerialize = (_, value) => value is not null;
        typeInfo.Properties.Add(fallbacks);
    }

    public static bool IsResponse(Type type) =>
        type.Namespace?.StartsWith("RoundTable.Api", StringComparison.Ordinal) == true
        && !type.Name.EndsWith("Request", StringComparison.Ordinal)
        && !type.Name.EndsWith("Row", StringComparison.Ordinal);

    private static Dictionary<string, string>? Fallbacks(object owner, List<(string Name, Func<object, object?> Get)> getters)
    {
        var preference = LanguagePreference.Current;
        if (preference.IsAll)
        {
            return null;
        }
        Dictionary<string, string>? result = null;
        foreach (var (name, get) in getters)
        {
            if (get(owner) is LocalizedText { Count: > 0 } text && preference.FallsBack(text, out var language))
            {
                (result ??= [])[name] = language;
            }
        }
        return result;
    }

    /// <summary>One language as a string, or every translation as an object.</summary>
    private sealed class ResolvingConverter : JsonConverter<LocalizedText>
    {
        public static readonly ResolvingConverter Instance = new();

        public override LocalizedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Response contracts are written, not read.");

        public override void Write(Utf8JsonWriter writer, LocalizedText value, JsonSerializerOptions options)
        {
            var preference = LanguagePreference.Current;
            if (!preference.IsAll)
            {
                writer.WriteStringValue(preference.Resolve(value).Text);
                return;
            }
            writer.WriteStartObject();
            foreach (var (language, text) in value.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteString(language, text);
            }
            writer.WriteEndObject();
        }
    }
}
