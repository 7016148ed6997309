using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using ProblemDetails = Microsoft.AspNetCore.Mvc.ProblemDetails;
using RoundTable.Api.Localization;

namespace RoundTable.Api.Json;

/// <summary>
/// The JSON of every answer: camelCase, enumerations as snake_case strings, the source-generated contracts each feature
/// adds (<see cref="AddJsonContext"/>) before reflection, and localized text rendered per request (LocalizedJson).
/// </summary>
internal static class JsonSetup
{
    public static IServiceCollection AddRoundTableJson(this IServiceCollection services)
    {
        services.AddJsonContext(CommonJsonContext.Default);
        // After every feature's contexts are in the chain: the modifier must see the type information of all of them.
        services.PostConfigure<JsonOptions>(options => options.SerializerOptions.TypeInfoResolver =
            JsonTypeInfoResolver.Combine([.. options.SerializerOptions.TypeInfoResolverChain]).WithAddedModifier(LocalizedJson.Modify));
        return services;
    }

    /// <summary>A feature's source-generated contracts (metadata only: LocalizedJson customises them at run time).</summary>
    public static IServiceCollection AddJsonContext(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, context));
}

/// <summary>What every feature answers with: problem documents and their error maps.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
[JsonSerializable(typeof(Dictionary<string, string[]>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CommonJsonContext : JsonSerializerContext;
