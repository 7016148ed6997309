namespace RoundTable.Api.Caching;

/// <summary>Lets a streaming answer (an export) bypass the buffering of <see cref="HttpCaching"/>.</summary>
internal sealed class StreamingResponse(Stream original)
{
    public bool IsStreaming { get; private set; }

    public static void Start(HttpContext context)
    {
        if (context.Features.Get<StreamingResponse>() is { IsStreaming: false } streaming)
        {
            streaming.IsStreaming = true;
            context.Response.Body = streaming.Original;
        }
    }

    private Stream Original => original;

    /// <summary>
    /// Starts the stream and runs <paramref name="write"/>. Once the status line is sent a failure cannot become a
    /// problem answer: the connection is cut, so the client cannot take a partial stream for a whole one.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, string what, Func<Task> write)
    {
        Start(context);
        try
        {
            await write();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILogger<StreamingResponse>>().LogError(e, "{What} failed midway", what);
            context.Abort();
        }
    }
}
