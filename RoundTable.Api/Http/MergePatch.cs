using System.Text.Json.Nodes;

namespace RoundTable.Api.Http;

/// <summary>
/// JSON Merge Patch (RFC 7396): members of the patch replace the target's, null removes them, objects merge
/// recursively. No maintained .NET library for it is served here (only JSON Patch, RFC 6902), and the algorithm is
/// the RFC's own ten lines.
/// </summary>
internal static class MergePatch
{
    public const string MediaType = "application/merge-patch+json";

    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Apply(result[name], value);
            }
        }
        return result;
    }
}
