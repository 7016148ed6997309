using System.Globalization;
using System.Text.Json;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using RoundTable.Api.Validation;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace RoundTable.Api.OpenApi;

/// <summary>
/// Writes the FluentValidation rules of request types into their schemas (required, maxLength, pattern,
/// minimum/maximum), so that generated clients know the constraints the API enforces. Conditional rules are skipped:
/// they cannot be expressed in a schema.
/// </summary>
internal sealed class ValidationSchemaFilter(IServiceProvider services) : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target || target.Properties is null)
        {
            return;
        }
        // A request type that extends another (CreateEventRequest : EventWriteRequest) carries both types' rules.
        for (var type = context.Type; type is not null && type != typeof(object); type = type.BaseType)
        {
            if (services.GetService(typeof(IValidator<>).MakeGenericType(type)) is IValidator validator)
            {
                Describe(target, validator);
            }
        }
    }

    private static void Describe(OpenApiSchema target, IValidator validator)
    {
        foreach (var rule in validator.CreateDescriptor().Rules)
        {
            if (rule.PropertyName is null)
            {
                continue;
            }
            // Rules on each element of a list (RuleForEach) describe its items, not the list itself.
            if (rule.GetType().GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollectionRule<,>)))
            {
                if (target.Properties!.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(rule.PropertyName), out var list)
                    && list is OpenApiSchema { Items: OpenApiSchema items })
                {
                    foreach (var component in rule.Components.Where(c => !c.HasCondition && !c.HasAsyncCondition))
                    {
                        (component.Validator as ISchemaRule)?.Describe(items);
                    }
                }
                continue;
            }
            var name = JsonNamingPolicy.CamelCase.ConvertName(rule.PropertyName);
            if (!target.Properties!.TryGetValue(name, out var property))
            {
                continue;
            }
            foreach (var component in rule.Components)
            {
                if (component.HasCondition || component.HasAsyncCondition)
                {
                    continue;
                }
                if (property is not OpenApiSchema constrained)
                {
                    continue; // a $ref: its own schema describes it
                }
                if (component.Validator is INotNullValidator or INotEmptyValidator)
                {
                    target.Required ??= new HashSet<string>();
                    target.Required.Add(name);
                    NotNull(constrained);
                    if (component.Validator is INotEmptyValidator)
                    {
                        NotEmpty(constrained);
                    }
                }
                switch (component.Validator)
                {
                    case ISchemaRule described:
                        described.Describe(constrained);
                        break;
                    case ILengthValidator { Max: > 0 } length:
                        constrained.MaxLength = length.Max;
                        if (length.Min > 0)
                        {
                            constrained.MinLength = length.Min;
                        }
                        break;
                    case IRegularExpressionValidator regex:
                        constrained.Pattern = regex.Expression;
                        break;
                    case IBetweenValidator { From: int or long or decimal or double } between: // dates have no JSON Schema minimum
                        constrained.Minimum = Convert.ToString(between.From, CultureInfo.InvariantCulture);
                        constrained.Maximum = Convert.ToString(between.To, CultureInfo.InvariantCulture);
                        break;
                    default:
                        break;
                }
            }
        }
        // An enumeration of a property that may not be null does not list null.
        foreach (var property in target.Properties!.Values.OfType<OpenApiSchema>())
        {
            if (property.Enum is { } values && property.Type is { } type && !type.HasFlag(JsonSchemaType.Null))
            {
                property.Enum = [.. values.Where(v => v is not null)];
            }
        }
    }

    // A required value is never null: { type: [null, string] } → string; { type: null, allOf: [$ref] } → { allOf: [$ref] }.
    private static void NotNull(OpenApiSchema schema)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
        {
            var rest = type & ~JsonSchemaType.Null;
            schema.Type = rest == 0 ? null : rest;
        }
    }

    private static void NotEmpty(OpenApiSchema schema)
    {
        if (schema.Type?.HasFlag(JsonSchemaType.String) == true)
        {
            schema.MinLength ??= 1;
        }
        else if (schema.Type?.HasFlag(JsonSchemaType.Array) == true)
        {
            schema.MinItems ??= 1;
        }
        else if (schema.Type?.HasFlag(JsonSchemaType.Object) == true)
        {
            schema.MinProperties ??= 1;
        }
    }
}
