namespace RoundTable.Api.Errors;

/// <summary>Documents the problem answers a route can give beyond the ones its handler's signature declares.</summary>
internal static class ProblemMetadata
{
    /// <summary>Every read: a malformed parameter, too many requests, a failure of ours, the database briefly unavailable (503); an item also 404.</summary>
    public static RouteHandlerBuilder WithReadProblems(this RouteHandlerBuilder builder, bool item = true)
    {
        builder.ProducesProblem(StatusCodes.Status400BadRequest);
        if (item)
        {
            builder.ProducesProblem(StatusCodes.Status404NotFound);
        }
        return builder.ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).WithSizeProblems();
    }

    /// <summary>Every write: conflicts, a body too large, too many requests, a failure of ours; a change of an existing
    /// resource also 404 and its preconditions (412, 428).</summary>
    public static RouteHandlerBuilder WithWriteProblems(this RouteHandlerBuilder builder, bool conditional = false)
    {
        builder.ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).WithSizeProblems();
        if (conditional)
        {
            builder.ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status412PreconditionFailed)
                .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        }
        return builder;
    }

    /// <summary>A URL (414) or headers (431) past the limits (Limits:MaxUrlLength, MaxHeaderBytes): any operation.</summary>
    private static RouteHandlerBuilder WithSizeProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status414UriTooLong).ProducesProblem(StatusCodes.Status431RequestHeaderFieldsTooLarge);
}
