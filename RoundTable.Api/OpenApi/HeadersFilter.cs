using Microsoft.OpenApi;
using RoundTable.Api.Idempotency;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// Declares the headers of writes and of the answers every route can give, from what the operation already declares:
/// If-Match is required wherever a missing one answers 428; a 201 has its Location; a write's answer its ETag; a
/// replayed idempotent POST says so; a 429 says when to retry; a 415 is possible wherever there is a body.
/// (The headers of reads are ListParametersFilter's.)
/// </summary>
internal sealed class HeadersFilter : IOperationFilter
{
    /// <summary>An entity tag as RFC 9110 writes it: quoted, optionally weak.</summary>
    public const string ETagPattern = "^(W/)?\"[\\x21\\x23-\\x7E]*\"$";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var responses = operation.Responses ??= [];
        var method = context.ApiDescription.HttpMethod?.ToUpperInvariant();
        if (responses.ContainsKey("428"))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = true,
                Description = "The ETag of the version you are changing (from a GET, or from the answer to your last write), "
                    + "or * for whatever version is current (the example, which Swagger UI pre-fills: it overwrites blindly, so a client "
                    + "that guards against lost updates sends the ETag it read). A missing If-Match is 428; one that is no longer current, 412.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(\\*|(W/)?\"[\\x21\\x23-\\x7E]*\")$" },
                Example = "*",
            });
        }
        if (operation.RequestBody is not null && !responses.ContainsKey("415"))
        {
            responses["415"] = new OpenApiResponse
            {
                Description = "Unsupported Media Type: the body is not of a media type the operation accepts.",
                Content = ProblemContent(context),
            };
        }
        if (method is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            var idempotent = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IdempotentEndpointMetadata>().Any();
            foreach (var (status, declared) in responses.Where(r => r.Key.StartsWith('2')))
            {
                if (declared is not OpenApiResponse response)
                {
                    continue;
                }
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                if (status == "201")
                {
                    response.Headers["Location"] = Header("The URL of what was created (of the parent resource, for a relation entry).",
                        new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" }, required: true);
                }
                if (responses.ContainsKey("428") || status == "201")
                {
                    response.Headers["ETag"] = Header("The new version of the resource (of the parent, for a relation entry): "
                        + "the If-Match of your next change.", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = ETagPattern }, required: true);
                }
                if (response.Content is { Count: > 0 })
                {
                    response.Headers["Content-Language"] = Header("The language of the texts in the answer.", new OpenApiSchema { Type = JsonSchemaType.String });
                }
                if (idempotent)
                {
                    response.Headers["Idempotent-Replayed"] = Header("true when this is the stored answer to an earlier request with the same Idempotency-Key: nothing was written again.",
                        new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true"] });
                }
            }
        }
        if (responses.TryGetValue("503", out var unavailable) && unavailable is OpenApiResponse briefly)
        {
            briefly.Description = "Service Unavailable: the database is briefly unavailable or slower than the request's deadline "
                + "(the problem's cause says which). Retry after Retry-After.";
            briefly.Headers ??= new Dictionary<string, IOpenApiHeader>();
            briefly.Headers["Retry-After"] = Header("Seconds to wait before retrying.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" }, required: true);
        }
        // Every answer of a rate-limited operation says what is left of the caller's quota (when limits are on).
        foreach (var (status, declared) in responses)
        {
            if (declared is not OpenApiResponse response)
            {
                continue;
            }
            var rejected = status == "429";
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["RateLimit-Policy"] = Header("The quota (IETF draft RateLimit headers): \"default\";q=<requests>;w=<seconds>.",
                new OpenApiSchema { Type = JsonSchemaType.String }, required: rejected);
            response.Headers["RateLimit"] = Header("What is left of the quota: \"default\";r=<requests left>;t=<seconds until the window resets>.",
                new OpenApiSchema { Type = JsonSchemaType.String }, required: rejected);
            if (rejected)
            {
                response.Headers["Retry-After"] = Header("Seconds until the window resets.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" }, required: true);
            }
        }
    }

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OperationFilterContext context) => new()
    {
        ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(StrictSchemaDocumentFilter.ProblemSchema, context.Document) },
    };

    private static OpenApiHeader Header(string description, OpenApiSchema schema, bool required = false) =>
        new() { Description = description, Schema = schema, Required = required };
}
