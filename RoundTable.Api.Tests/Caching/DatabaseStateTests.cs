using RoundTable.Api.Caching;

namespace RoundTable.Api.Tests.Caching;

/// <summary>
/// How Last-Modified and If-Modified-Since follow the change feed's dates, at the moments an HTTP test cannot choose:
/// HTTP dates have whole seconds, so a change later in the same second as the newest one must not pass for old.
/// </summary>
public sealed class DatabaseStateTests
{
    private const string Snapshot = "100:100: 1700000000";

    private static DateTime At(int second, int millisecond = 0) =>
        new DateTime(2024, 7, 29, 10, 0, 0, DateTimeKind.Utc).AddSeconds(second).AddMilliseconds(millisecond);

    private static DateTimeOffset Date(int second) => new(At(second));

    [Fact]
    public void A_change_later_in_the_same_second_as_the_newest_one_is_not_answered_304_for_a_date_handed_out_in_that_second()
    {
        // Read at 10:00:05.500, the newest change at 10:00:05.200: another change may still come in this second.
        var read = new DatabaseState(Snapshot, At(5, 200), null, At(5, 500));
        Assert.False(read.Settled);
        // So the date handed out is the second before, which no If-Modified-Since of this second matches...
        Assert.Equal(Date(4), read.LastModified);
        Assert.True(read.ChangedAfter(read.LastModified!.Value));

        // ...and a change at 10:00:05.800 has the same HTTP date as the one before it: only that date protects the client.
        var later = new DatabaseState("101:101: 1700000000", At(5, 800), null, At(5, 900));
        Assert.True(later.ChangedAfter(read.LastModified!.Value));
        Assert.False(later.ChangedAfter(Date(5)), "Dates of one second cannot tell these changes apart: 10:00:05 must never be handed out in that second.");
        Assert.Equal(Date(4), later.LastModified);
    }

    [Fact]
    public void A_settled_state_gives_the_newest_changes_second_and_answers_304_from_it()
    {
        // The newest change is in an earlier second than the reading, and no writer runs: any later change falls in a later second.
        var state = new DatabaseState(Snapshot, At(5, 200), null, At(6, 100));
        Assert.True(state.Settled);
        Assert.Equal(Date(5), state.LastModified);
        Assert.False(state.ChangedAfter(Date(5)));
        Assert.False(state.ChangedAfter(Date(7)));
        Assert.True(state.ChangedAfter(Date(4)));

        var next = new DatabaseState("101:101: 1700000000", At(6, 300), null, At(7, 0));
        Assert.True(next.Settled);
        Assert.Equal(Date(6), next.LastModified);
        Assert.True(next.ChangedAfter(state.LastModified!.Value));
    }

    [Fact]
    public void A_running_writer_older_than_the_newest_change_moves_Last_Modified_before_it()
    {
        // A transaction that began at 10:00:02.500 is still running: it may have stamped changes then and commit later.
        var during = new DatabaseState(Snapshot, At(5, 200), At(2, 500), At(9, 0));
        Assert.False(during.Settled);
        Assert.Equal(Date(1), during.LastModified);

        // It commits a change stamped 10:00:03, older than the newest one: the date handed out during it still sees it.
        var after = new DatabaseState("101:101: 1700000000", At(5, 200), null, At(10, 0));
        Assert.True(after.Settled);
        Assert.True(after.ChangedAfter(during.LastModified!.Value));
        Assert.Equal(Date(5), after.LastModified);
    }

    [Fact]
    public void A_running_writer_newer_than_the_newest_change_dates_from_that_change()
    {
        var state = new DatabaseState(Snapshot, At(5, 200), At(7, 0), At(9, 0));
        Assert.False(state.Settled);
        Assert.Equal(Date(4), state.LastModified);
    }

    [Fact]
    public void A_database_without_changes_has_no_date_and_never_answers_304_to_one()
    {
        var state = new DatabaseState(Snapshot, null, null, At(9, 0));
        Assert.False(state.Settled);
        Assert.Null(state.LastModified);
        Assert.True(state.ChangedAfter(Date(1000)));
    }
}
