namespace RoundTable.Api.Http;

/// <summary>
/// HEAD on every GET route (RFC 9110 §9.3.2): the request runs as the GET it mirrors, through the same routing,
/// limits, validators and caching, so the status and headers are the GET's; the body goes nowhere. Runs before
/// routing, so that the GET endpoint is the one matched.
/// </summary>
internal static class HeadRequests
{
    private const string HeadItem = "rt:head";

    /// <summary>Whether the request is a HEAD answered as a GET (a stream answers its headers and stops).</summary>
    public static bool IsHead(HttpContext context) => context.Items.ContainsKey(HeadItem);

    public static IApplicationBuilder UseHeadAsGet(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }
        var body = context.Response.Body;
        context.Items[HeadItem] = true;
        context.Request.Method = HttpMethods.Get;
        context.Response.Body = Stream.Null;
        try
        {
            await next(context);
        }
        finally
        {
            context.Request.Method = HttpMethods.Head;
            context.Response.Body = body;
        }
    });
}
