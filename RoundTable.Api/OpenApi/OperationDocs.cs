namespace RoundTable.Api.OpenApi;

// Metadata that routes carry so that the OpenAPI filters document what the handlers read or write themselves.

/// <summary>Documents a query parameter a handler reads itself (ListParametersFilter); StrictQuery leaves such routes to it.</summary>
internal sealed record QueryParameterDoc(string Name, string Description, bool Integer = false, int? Minimum = null, int? Maximum = null,
    int? MaxLength = null, string? Pattern = null, string? Example = null);

/// <summary>
/// Marks a route that answers an iCalendar feed of a list (documented by ListParametersFilter from the list's
/// <c>ListSpec</c>); the route sets <paramref name="FixedFilter"/> itself, so clients cannot.
/// </summary>
internal sealed record CalendarDoc(string? FixedFilter = null)
{
    public const string MediaType = "text/calendar";
}

/// <summary>
/// Marks a route that answers a stream of server-sent events (text/event-stream): no validators or 304 are documented
/// for it, and a HEAD answers its headers at once.
/// </summary>
internal sealed record EventStreamDoc
{
    public const string MediaType = "text/event-stream";
}
