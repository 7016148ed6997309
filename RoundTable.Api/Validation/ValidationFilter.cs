using FluentValidation;
using RoundTable.Api.Errors;

namespace RoundTable.Api.Validation;

/// <summary>Validates the endpoint's <typeparamref name="T"/> argument; failures are 400 problems with per-field errors.</summary>
internal sealed class ValidationFilter<T>(IValidator<T> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var argument = context.Arguments.OfType<T>().FirstOrDefault();
        if (argument is null)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON body is required."] });
        }
        var result = await validator.ValidateAsync(argument, context.HttpContext.RequestAborted);
        return result.IsValid ? await next(context) : Problems.Validation(ToErrors(result));
    }

    public static Dictionary<string, string[]> ToErrors(FluentValidation.Results.ValidationResult result) =>
        result.Errors
            .GroupBy(e => JsonPath(e.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());

    // Organizers[0].Institution → organizers[0].institution: the names clients send.
    private static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

internal static class ValidationFilterExtensions
{
    public static RouteHandlerBuilder Validate<T>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<T>>().ProducesProblem(StatusCodes.Status400BadRequest);
}
