using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using RoundTable.Api.Http;
using RoundTable.Api.Idempotency;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

internal static class OpenApiSetup
{
    public const string DocumentName = "v1";
    private const string BearerScheme = "apiKey";

    public static IServiceCollection AddRoundTableOpenApi(this IServiceCollection services)
    {
        // OpenAPI 3.1: its schemas are JSON Schema 2020-12, so "null" is a type like the others and strict validators
        // read nullable texts and references the same way (3.0's nullable beside oneOf/allOf they do not).
        // Options, not UseSwagger's argument: the build-time document generator reads them too.
        services.Configure<Swashbuckle.AspNetCore.Swagger.SwaggerOptions>(options => options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "RoundTable API",
                Version = "v1",
                Description = "Events, speakers, institutions and recommendations of public-sector digital-transformation "
                    + "events (round tables, conferences, seminars). Lists are paged with opaque cursors; every error is "
                    + "an RFC 9457 problem document. Query parameter names are case-insensitive; members of a request body that "
                    + "the operation does not take (such as id or version, read from a representation) are ignored.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, "RoundTable.Api.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }
            options.SupportNonNullableReferenceTypes();
            options.NonNullableReferenceTypesAsRequired();
            options.UseAllOfToExtendReferenceSchemas();
            options.CustomSchemaIds(SchemaId);
            options.OperationFilter<CommonParametersFilter>();
            options.OperationFilter<ListParametersFilter>();
            options.OperationFilter<HeadersFilter>();
            options.OperationFilter<OperationExamplesFilter>();
            options.SchemaFilter<ValidationSchemaFilter>();
            options.SchemaFilter<LocalizedTextSchemaFilter>();
            options.DocumentFilter<StrictSchemaDocumentFilter>();
            options.DocumentFilter<HeadOperationsFilter>();
            options.DocumentFilter<BoundsDocumentFilter>();
            options.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key: `Authorization: Bearer rt_...`. Reads are public; writes need a key.",
            });
            options.OperationFilter<SecurityRequirementFilter>();
        });
        return services;
    }

    // Page<EventSummary> → EventSummaryPage: readable names for generated clients.
    private static string SchemaId(Type type) =>
        type.IsGenericType
            ? string.Concat(type.GetGenericArguments().Select(SchemaId)) + type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]
            : type.Name;

    /// <summary>Operations that require a key say so, so generated clients send it.</summary>
    private sealed class SecurityRequirementFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                });
            }
        }
    }

    /// <summary>Describes the parameters every route shares, in one place.</summary>
    private sealed class CommonParametersFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IdempotentEndpointMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyFilter.Header,
                    In = ParameterLocation.Header,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                });
            }
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                switch (parameter.Name)
                {
                    case "idOrSlug":
                        parameter.Description = "The resource's UUID or its slug.";
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100, Pattern = ResourceKey.Pattern };
                        break;
                    case "limit":
                        parameter.Description = "Maximum number of items in the page (1..100, default 20).";
                        parameter.Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "100", Default = JsonValue.Create(20),
                        };
                        break;
                    case "Idempotency-Key":
                        parameter.Description = "Optional on POST: retrying with the same key and body returns the first response without writing again (24 hours).";
                        break;
                    case "id":
                        parameter.Description = "The resource's UUID.";
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", MaxLength = 36 };
                        break;
                    case "itemId":
                        parameter.Description = "The UUID of the relation entry (as listed in the parent's representation).";
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", MaxLength = 36 };
                        break;
                    case "attemptId":
                        parameter.Description = "The UUID of a delivery attempt (as listed in the subscription's deliveries).";
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", MaxLength = 36 };
                        break;
                    case "updated_since":
                        parameter.Description = "Only entries changed at or after this instant (RFC 3339).";
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", MaxLength = 35 };
                        break;
                    case "cursor":
                        parameter.Description = "Opaque cursor: the nextCursor of the previous page. Omit it for the first page.";
                        parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1000 };
                        break;
                    default:
                        break;
                }
            }
        }
    }
}

internal static class OpenApiEndpoints
{
    /// <summary>Serves the contract at /openapi/v1.json and Swagger UI at /swagger.</summary>
    public static WebApplication UseRoundTableOpenApi(this WebApplication app)
    {
        app.UseSwagger(options => options.RouteTemplate = "openapi/{documentName}.json");
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "swagger";
            options.SwaggerEndpoint($"/openapi/{OpenApiSetup.DocumentName}.json", "RoundTable API v1");
        });
        return app;
    }
}
