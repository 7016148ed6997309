using System.Text.Json;
using Microsoft.OpenApi;
using RoundTable.Api.Localization;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// Describes localized text as the serializer writes it (<see cref="LocalizedJson"/>): in responses a string in the
/// negotiated language or, with lang=*, an object of every translation, plus <c>fallbackLanguages</c>; in requests
/// an object keyed by language tag.
/// </summary>
internal sealed class LocalizedTextSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target || target.Properties is null || !LocalizedJson.IsResponse(context.Type))
        {
            return;
        }
        var texts = context.Type.GetProperties()
            .Where(p => p.PropertyType == typeof(LocalizedText))
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Where(target.Properties.ContainsKey)
            .ToList();
        if (texts.Count == 0)
        {
            return;
        }
        foreach (var name in texts)
        {
            var nullable = target.Properties[name] is OpenApiSchema { Type: { } type } && type.HasFlag(JsonSchemaType.Null);
            // Three disjoint branches, so that null (when allowed) matches exactly one of them.
            List<IOpenApiSchema> branches =
            [
                new OpenApiSchema { Type = JsonSchemaType.String },
                new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
            ];
            if (nullable)
            {
                branches.Add(new OpenApiSchema { Type = JsonSchemaType.Null });
            }
            target.Properties[name] = new OpenApiSchema
            {
                Description = "Localized text: a string in the response language (Content-Language), or with lang=* an "
                    + "object of every translation keyed by language tag.",
                OneOf = branches,
            };
        }
        target.Properties[LocalizedJson.FallbackProperty] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String },
            Description = "Present when some texts are not available in the response language: property name → the "
                + "language tag of the text shown instead (the configured fallback order).",
        };
    }
}
