using System.Reflection;
using FluentValidation;
using FluentValidation.Results;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Validation;

/// <summary>
/// Validates the request body of every route of a group with its FluentValidation validator, set once on the group
/// (<see cref="WithValidation"/>): failures are 400 problems with per-field errors, named as clients send them. A
/// route whose body type has no validator fails at startup: a request type without one is never a silent pass.
/// </summary>
internal static class ValidationFilter
{
    /// <summary>The request records, by name (the contracts' convention): CreateEventRequest, RankingRequest...</summary>
    private static bool IsBody(ParameterInfo parameter) =>
        parameter.ParameterType.Name.EndsWith("Request", StringComparison.Ordinal)
        && parameter.ParameterType.Namespace?.StartsWith("RoundTable.Api", StringComparison.Ordinal) == true
        && parameter.GetCustomAttribute<AsParametersAttribute>() is null;

    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var parameters = context.MethodInfo.GetParameters();
            var index = Array.FindIndex(parameters, IsBody);
            if (index < 0)
            {
                return next;
            }
            var type = parameters[index].ParameterType;
            var validator = context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(type)) as IValidator
                ?? throw new InvalidOperationException($"{type.Name} has no IValidator<{type.Name}>: register one where its feature registers its services.");
            return async invocation =>
            {
                if (invocation.Arguments[index] is not { } body)
                {
                    return Problems.Validation("body", "A JSON body is required.");
                }
                if (NullElements.Find(body) is { } nulls)
                {
                    return Problems.Validation(nulls);
                }
                var result = await validator.ValidateAsync(new ValidationContext<object>(body), invocation.HttpContext.RequestAborted);
                return result.IsValid ? await next(invocation) : Problems.Validation(ToErrors(result));
            };
        });
        return builder;
    }

    public static Dictionary<string, string[]> ToErrors(ValidationResult result) =>
        result.Errors
            .GroupBy(e => JsonPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    // Organizers[0].Institution → organizers[0].institution: the names clients send.
    private static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}
