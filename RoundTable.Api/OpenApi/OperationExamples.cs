using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>The example of a path parameter (the last one a route carries wins: a route's own over its group's).</summary>
internal sealed record PathExample(string Name, string Value);

/// <summary>The example of an operation's request body, as JSON, for every media type the operation accepts.</summary>
internal sealed record BodyExample(string Json);

/// <summary>
/// Examples a feature gives its operations. Swagger UI pre-fills them and generated clients show them; a test executes
/// them in order (create, replace, patch, relation writes, deletes) against the seed, so they must succeed as written:
/// reads name seeded resources, writes name the resource their create example makes.
/// </summary>
internal static class OperationExamples
{
    public static TBuilder WithPathExample<TBuilder>(this TBuilder builder, string name, string value)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new PathExample(name, value));

    public static RouteHandlerBuilder WithBodyExample(this RouteHandlerBuilder builder, [StringSyntax(StringSyntaxAttribute.Json)] string json)
    {
        // Parsed now so that a malformed example fails at start-up, not in a reader's browser.
        JsonNode.Parse(json);
        return builder.WithMetadata(new BodyExample(json));
    }
}

/// <summary>Writes the examples of <see cref="OperationExamples"/> into the operations.</summary>
internal sealed class OperationExamplesFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            // Swagger UI pre-fills a parameter from its own example, not from its schema's examples (a required q would stay empty).
            if (parameter.In == ParameterLocation.Query && parameter.Example is null && parameter.Schema?.Examples is [var first, ..])
            {
                parameter.Example = first?.DeepClone();
            }
            if (parameter.In == ParameterLocation.Path
                && metadata.OfType<PathExample>().LastOrDefault(e => e.Name == parameter.Name) is { } path)
            {
                parameter.Example = JsonValue.Create(path.Value);
            }
        }
        if (metadata.OfType<BodyExample>().LastOrDefault() is { } body && operation.RequestBody?.Content is { } content)
        {
            foreach (var mediaType in content.Values.OfType<OpenApiMediaType>())
            {
                mediaType.Example = JsonNode.Parse(body.Json);
            }
        }
    }
}
