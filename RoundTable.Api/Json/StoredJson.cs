using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RoundTable.Api.Json;

/// <summary>
/// How documents the database builds as JSON are read into response contracts: the web defaults (camelCase, the
/// contracts' own enum converters) without the per-request rendering of localized text (LocalizedJson), so that each
/// text is read with every language it has; the response is then written like any other.
/// </summary>
internal static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
}
