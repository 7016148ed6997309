using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

// Deterministic benchmark data (fixed seed), bulk-loaded with binary COPY into a migrated, empty database.
// Scale 1: 10,000 institutions (with parents), 30,000 speakers, 100,000 events, 300,000 recommendations, with
// affiliations, organizers, participants, themes and proposers, texts in en/ru/kk/ko.
//   dotnet run -- --connection "<npgsql connection string>" [--scale 1] [--seed 42]
// And, for the database ceiling (bench/run.sh), the SQL of GET /events/{id} as an anonymous reader runs it, as a
// pgbench script whose id is a parameter, as the API binds it (pgbench -M prepared -D id=...):
//   dotnet run -- --print-event-sql
// And, for the write ceiling, every statement the API runs for POST /api/v1/events with an API key and an
// Idempotency-Key, in its order and transaction, as a pgbench script (see CreateCeiling.Script):
//   dotnet run -- --print-create-sql
if (args is ["--print-create-sql"])
{
    Console.Write(CreateCeiling.Script());
    return 0;
}
if (args is ["--print-event-sql"])
{
    Console.WriteLine(RoundTable.Api.Auth.Viewer.Anonymous(RoundTable.Api.Events.EventQueries.Document.ById)
        .Replace("@Id::uuid", "(:id)::uuid", StringComparison.Ordinal));
    return 0;
}

var connectionString = Arg("--connection") ?? Environment.GetEnvironmentVariable("ConnectionStrings__RoundTable")
    ?? throw new ArgumentException("--connection is required");
var scale = double.Parse(Arg("--scale") ?? "1", CultureInfo.InvariantCulture);
var seed = int.Parse(Arg("--seed") ?? "42", CultureInfo.InvariantCulture);

var clock = Stopwatch.StartNew();
var data = new Generator(seed, scale);
await using var dataSource = NpgsqlDataSource.Create(connectionString);
await data.LoadAsync(dataSource);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"generated scale {scale}: {data.Counts} in {clock.Elapsed.TotalSeconds:F1} s"));
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal sealed class Generator(int seed, double scale)
{
    private static readonly string[] s_tables =
    [
        "institutions", "speakers", "speaker_affiliations", "events", "event_organizers", "event_participants",
        "event_participant_institutions", "themes", "recommendations", "recommendation_themes", "recommendation_proposers",
    ];

    private static readonly string[] s_searchIndexes =
    [
        "events_search_idx ON events USING gin (search)",
        "speakers_search_idx ON speakers USING gin (search)",
        "speaker_affiliations_search_idx ON speaker_affiliations USING gin (search)",
        "institutions_search_idx ON institutions USING gin (search)",
        "recommendations_search_idx ON recommendations USING gin (search)",
    ];

    private static readonly string[] s_en = ["digital", "public", "service", "policy", "analytics", "skills", "data", "governance",
        "innovation", "reform", "education", "strategy", "transformation", "platform", "open", "smart", "cyber", "cloud", "network", "citizen"];
    private static readonly string[] s_ru = ["цифровой", "государственный", "служба", "политика", "аналитика", "навыки", "данные", "управление",
        "инновации", "реформа", "образование", "стратегия", "трансформация", "платформа", "открытый", "умный"];
    private static readonly string[] s_kk = ["цифрлық", "мемлекеттік", "қызмет", "саясат", "талдау", "дағдылар", "деректер", "басқару",
        "инновация", "реформа", "білім", "стратегия", "трансформация", "платформа"];
    private static readonly string[] s_ko = ["디지털", "공공", "서비스", "정책", "분석", "역량", "데이터", "거버넌스", "혁신", "개혁", "교육", "전략"];
    private static readonly string[] s_given = ["Aliya", "Ulan", "Maria", "Kilkon", "Maksat", "Dana", "Askar", "Jiwoo", "Minji", "Timur", "Aigerim", "Sergey"];
    private static readonly string[] s_family = ["Ospanova", "Bekish", "Shklyaruk", "Ko", "Turlubaev", "Kim", "Lee", "Park", "Nurlanov", "Ivanova", "Seitkali"];
    private static readonly string[] s_institutionKinds = ["university", "graduate_school", "government_agency", "academy", "foundation", "company", "other"];
    private static readonly string[] s_eventKinds = ["round_table", "conference", "seminar", "workshop", "lecture"];
    private static readonly string[] s_eventStatuses = ["scheduled", "held", "cancelled", "postponed"];
    private static readonly string[] s_participantRoles = ["host", "moderator", "speaker", "panelist", "guest"];
    private static readonly string[] s_recommendationStatuses = ["proposed", "accepted", "in_progress", "implemented", "rejected"];
    private static readonly string[] s_countries = ["KZ", "KR", "UZ", "KG", "DE", "US", "JP", "TR"];
    private static readonly string[] s_zones = ["Asia/Almaty", "Asia/Seoul", "Asia/Tashkent", "Europe/Berlin"];

    private static readonly DateTime s_epoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private int Institutions => Math.Max(3, (int)(10_000 * scale));
    private int Speakers => Math.Max(3, (int)(30_000 * scale));
    private int Events => Math.Max(3, (int)(100_000 * scale));
    private int Recommendations => Math.Max(3, (int)(300_000 * scale));
    private int Terms => Math.Max(20, (int)(20_000 * scale));

    public string Counts { get; private set; } = "";

    /// <summary>
    /// Loads on two connections at once (one per core): the event side and the recommendation side. Each table draws
    /// from its own seeded generator, so the data is the same whatever the timing.
    /// </summary>
    public async Task LoadAsync(NpgsqlDataSource dataSource)
    {
        await using var main = await dataSource.OpenConnectionAsync();
        foreach (var index in s_searchIndexes)
        {
            await ExecuteAsync(main, $"DROP INDEX IF EXISTS {index[..index.IndexOf(' ')]}");
        }
        // session_replication_role = replica skips triggers and foreign-key checks (the generator keeps references
        // valid); it needs a superuser, as in bench/run.sh's own cluster. Otherwise the user triggers are disabled.
        var superuser = await ScalarAsync(main, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is true;
        if (!superuser)
        {
            foreach (var table in s_tables)
            {
                await ExecuteAsync(main, $"ALTER TABLE {table} DISABLE TRIGGER USER");
            }
        }

        // Every id first (time-ordered within each kind), so both sides can refer to the other's rows.
        var institutions = Ids(1, Institutions);
        var speakers = Ids(2, Speakers);
        var events = Ids(3, Events);
        var recommendations = Ids(4, Recommendations);
        var themes = Ids(5, 20);

        async Task<long> SideAsync(Func<NpgsqlConnection, Task<long>> load)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            if (superuser)
            {
                await ExecuteAsync(connection, "SET session_replication_role = replica");
            }
            await ExecuteAsync(connection, "SET synchronous_commit = off");
            return await load(connection);
        }

        // The event side has other work first: the recommendation side takes the larger share of recommendations.
        var split = (int)(recommendations.Length * 0.65);
        var loaded = await Task.WhenAll(
            SideAsync(async c =>
            {
                var rows = await LoadInstitutionsAsync(c, institutions);
                rows += await LoadSpeakersAsync(c, speakers, institutions);
                rows += await LoadEventsAsync(c, events, speakers, institutions);
                rows += await LoadRecommendationsAsync(c, split, recommendations.Length, recommendations, themes, events, speakers);
                return rows;
            }),
            SideAsync(async c =>
            {
                var rows = await LoadThemesAsync(c, themes);
                rows += await LoadRecommendationsAsync(c, 0, split, recommendations, themes, events, speakers);
                return rows;
            }));
        var total = loaded.Sum();

        var indexing = Stopwatch.StartNew();
        await Task.WhenAll(
            SideAsync(async c =>
            {
                await ExecuteAsync(c, "SET maintenance_work_mem = '256MB'");
                await ExecuteAsync(c, $"CREATE INDEX {s_searchIndexes[4]}");
                return 0;
            }),
            SideAsync(async c =>
            {
                await ExecuteAsync(c, "SET maintenance_work_mem = '256MB'");
                foreach (var index in s_searchIndexes[..4])
                {
                    await ExecuteAsync(c, $"CREATE INDEX {index}");
                }
                return 0;
            }));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  search indexes in {indexing.Elapsed.TotalSeconds:F1} s"));
        if (!superuser)
        {
            foreach (var table in s_tables)
            {
                await ExecuteAsync(main, $"ALTER TABLE {table} ENABLE TRIGGER USER");
            }
        }
        // The change feed as the triggers would have written it: every resource created.
        await ExecuteAsync(main, """
            INSERT INTO changes (resource_type, resource_id, operation, version, parent_type, parent_id, event_id, changed_at)
            SELECT 'institution', id, 'created', version, NULL::text, NULL::uuid, NULL::uuid, updated_at FROM institutions WHERE slug LIKE 'institution-%'
            UNION ALL SELECT 'speaker', id, 'created', version, NULL, NULL, NULL, updated_at FROM speakers WHERE slug LIKE 'speaker-%'
            UNION ALL SELECT 'event', id, 'created', version, NULL, NULL, id, updated_at FROM events WHERE slug LIKE 'event-%'
            UNION ALL SELECT 'recommendation', id, 'created', version, 'event', event_id, event_id, updated_at FROM recommendations WHERE slug LIKE 'recommendation-%'
            """);
        await ExecuteAsync(main, "ANALYZE");
        Counts = string.Create(CultureInfo.InvariantCulture,
            $"{Institutions} institutions, {Speakers} speakers, {Events} events, {Recommendations} recommendations, {total} rows in all");
    }

    private Random RandomFor(int table) => new(HashCode.Combine(seed, table));

    /// <summary>Time-ordered UUIDs (version 7 layout) for one kind of row, from its own seeded generator.</summary>
    private Guid[] Ids(int kind, int count)
    {
        var random = RandomFor(1000 + kind);
        var start = (long)(s_epoch - DateTime.UnixEpoch).TotalMilliseconds + kind * 100_000_000L;
        var ids = new Guid[count];
        var bytes = new byte[16];
        for (var i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            var ms = start + i;
            for (var b = 0; b < 6; b++)
            {
                bytes[b] = (byte)(ms >> (8 * (5 - b)));
            }
            bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
            bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
            ids[i] = new Guid(bytes, bigEndian: true);
        }
        return ids;
    }

    private static DateTime TimeOf(int i) => s_epoch.AddSeconds(i);

    private async Task<long> LoadInstitutionsAsync(NpgsqlConnection c, Guid[] institutions)
    {
        var r = RandomFor(1);
        return await CopyAsync(c, "institutions (id, slug, name, short_name, kind, country, city, parent_id, created_at, updated_at)", institutions.Length, async (w, i) =>
        {
            await w.WriteAsync(institutions[i]);
            await w.WriteAsync($"institution-{i}");
            await WriteJsonAsync(w, Text(r, 3, "Institute"));
            await WriteJsonAsync(w, $"{{\"en\": \"I{i}\"}}");
            await w.WriteAsync(Pick(r, s_institutionKinds));
            await w.WriteAsync(Pick(r, s_countries));
            await w.WriteNullAsync();
            if (i > 10 && r.NextDouble() < 0.2)
            {
                await w.WriteAsync(institutions[r.Next(i)]);
            }
            else
            {
                await w.WriteNullAsync();
            }
            await WriteTimesAsync(w, TimeOf(i));
        });
    }

    private async Task<long> LoadSpeakersAsync(NpgsqlConnection c, Guid[] speakers, Guid[] institutions)
    {
        var r = RandomFor(2);
        var rows = await CopyAsync(c, "speakers (id, slug, full_name, honorific, bio, created_at, updated_at)", speakers.Length, async (w, i) =>
        {
            await w.WriteAsync(speakers[i]);
            await w.WriteAsync($"speaker-{i}");
            var name = $"{Pick(r, s_given)} {Pick(r, s_family)} {i}";
            await WriteJsonAsync(w, $"{{\"en\": \"{name}\", \"ru\": \"{name}\"}}");
            if (r.NextDouble() < 0.3)
            {
                await WriteJsonAsync(w, "{\"en\": \"Professor\"}");
            }
            else
            {
                await w.WriteNullAsync();
            }
            await WriteJsonAsync(w, Text(r, 12, "Works on"));
            await WriteTimesAsync(w, TimeOf(i));
        });
        var ra = RandomFor(3);
        var affiliations = speakers.SelectMany(s => Enumerable.Range(0, 1 + ra.Next(2)).Select(_ => (Speaker: s, Institution: institutions[ra.Next(institutions.Length)])))
            .Distinct().ToList();
        var ids = Ids(6, affiliations.Count);
        rows += await CopyAsync(c, "speaker_affiliations (id, speaker_id, institution_id, position, created_at, updated_at)", affiliations.Count, async (w, i) =>
        {
            await w.WriteAsync(ids[i]);
            await w.WriteAsync(affiliations[i].Speaker);
            await w.WriteAsync(affiliations[i].Institution);
            await WriteJsonAsync(w, Text(ra, 2, "Head of"));
            await WriteTimesAsync(w, TimeOf(i));
        });
        return rows;
    }

    private async Task<long> LoadEventsAsync(NpgsqlConnection c, Guid[] events, Guid[] speakers, Guid[] institutions)
    {
        var r = RandomFor(4);
        var rows = await CopyAsync(c, "events (id, slug, title, kind, status, start_date, end_date, starts_at, ends_at, time_zone, city, country, summary, published, created_at, updated_at)", events.Length, async (w, i) =>
        {
            await w.WriteAsync(events[i]);
            await w.WriteAsync($"event-{i}");
            await WriteJsonAsync(w, Text(r, 6, "Round table on"));
            await w.WriteAsync(Pick(r, s_eventKinds));
            await w.WriteAsync(Pick(r, s_eventStatuses));
            var start = DateOnly.FromDateTime(s_epoch).AddDays(r.Next(2500));
            await w.WriteAsync(start, NpgsqlDbType.Date);
            await w.WriteAsync(start.AddDays(r.Next(3)), NpgsqlDbType.Date);
            if (r.NextDouble() < 0.5)
            {
                var at = start.ToDateTime(new TimeOnly(4 + r.Next(6), 0), DateTimeKind.Utc);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz);
                await w.WriteAsync(at.AddHours(3), NpgsqlDbType.TimestampTz);
                await w.WriteAsync(Pick(r, s_zones));
            }
            else
            {
                await w.WriteNullAsync();
                await w.WriteNullAsync();
                await w.WriteNullAsync();
            }
            await WriteJsonAsync(w, "{\"en\": \"Almaty\", \"ru\": \"Алматы\", \"kk\": \"Алматы\"}");
            await w.WriteAsync(Pick(r, s_countries));
            await WriteJsonAsync(w, Text(r, 20, "The participants discussed"));
            await w.WriteAsync(r.NextDouble() > 0.02);
            await WriteTimesAsync(w, TimeOf(i));
        });
        var ro = RandomFor(5);
        var organizers = Ids(7, events.Length);
        rows += await CopyAsync(c, "event_organizers (id, event_id, institution_id, role, created_at, updated_at)", events.Length, async (w, i) =>
        {
            await w.WriteAsync(organizers[i]);
            await w.WriteAsync(events[i]);
            await w.WriteAsync(institutions[ro.Next(institutions.Length)]);
            await w.WriteAsync("organizer");
            await WriteTimesAsync(w, TimeOf(i));
        });
        var rp = RandomFor(6);
        var participants = new List<(Guid Event, Guid Speaker)>();
        foreach (var ev in events)
        {
            var chosen = new HashSet<Guid>();
            var count = Math.Min(3 + rp.Next(5), speakers.Length);
            while (chosen.Count < count)
            {
                chosen.Add(speakers[rp.Next(speakers.Length)]);
            }
            participants.AddRange(chosen.Select(s => (ev, s)));
        }
        var participantIds = Ids(8, participants.Count);
        rows += await CopyAsync(c, "event_participants (id, event_id, speaker_id, role, created_at, updated_at)", participants.Count, async (w, i) =>
        {
            await w.WriteAsync(participantIds[i]);
            await w.WriteAsync(participants[i].Event);
            await w.WriteAsync(participants[i].Speaker);
            await w.WriteAsync(Pick(rp, s_participantRoles));
            await WriteTimesAsync(w, TimeOf(i));
        });
        rows += await CopyAsync(c, "event_participant_institutions (participant_id, institution_id, created_at, updated_at)", participants.Count, async (w, i) =>
        {
            await w.WriteAsync(participantIds[i]);
            await w.WriteAsync(institutions[rp.Next(institutions.Length)]);
            await WriteTimesAsync(w, TimeOf(i));
        });
        return rows;
    }

    private async Task<long> LoadThemesAsync(NpgsqlConnection c, Guid[] themes)
    {
        var rt = RandomFor(7);
        return await CopyAsync(c, "themes (id, slug, name, created_at, updated_at)", 0, themes.Length, async (w, i) =>
        {
            await w.WriteAsync(themes[i]);
            await w.WriteAsync($"theme-{i}");
            await WriteJsonAsync(w, Text(rt, 2, "Theme"));
            await WriteTimesAsync(w, TimeOf(i));
        });
    }

    /// <summary>Recommendations [from, to) with their theme and proposer; each row from its own seeded generator.</summary>
    private async Task<long> LoadRecommendationsAsync(NpgsqlConnection c, int from, int to, Guid[] recommendations, Guid[] themes, Guid[] events, Guid[] speakers)
    {
        var proposers = Ids(9, recommendations.Length);
        var rows = await CopyAsync(c, "recommendations (id, slug, event_id, title, body, target_audience, status, created_at, updated_at)", from, to, async (w, i) =>
        {
            var r = new Random(HashCode.Combine(seed, 8, i));
            await w.WriteAsync(recommendations[i]);
            await w.WriteAsync($"recommendation-{i}");
            await w.WriteAsync(events[r.Next(events.Length)]);
            await WriteJsonAsync(w, Text(r, 7, "Recommend"));
            await WriteJsonAsync(w, Text(r, 25, "We recommend"));
            await WriteJsonAsync(w, "{\"en\": \"Civil servants\", \"ru\": \"Государственные служащие\"}");
            await w.WriteAsync(Pick(r, s_recommendationStatuses));
            await WriteTimesAsync(w, TimeOf(i));
        });
        rows += await CopyAsync(c, "recommendation_themes (recommendation_id, theme_id, created_at, updated_at)", from, to, async (w, i) =>
        {
            await w.WriteAsync(recommendations[i]);
            await w.WriteAsync(themes[new Random(HashCode.Combine(seed, 9, i)).Next(themes.Length)]);
            await WriteTimesAsync(w, TimeOf(i));
        });
        rows += await CopyAsync(c, "recommendation_proposers (id, recommendation_id, speaker_id, created_at, updated_at)", from, to, async (w, i) =>
        {
            await w.WriteAsync(proposers[i]);
            await w.WriteAsync(recommendations[i]);
            await w.WriteAsync(speakers[new Random(HashCode.Combine(seed, 10, i)).Next(speakers.Length)]);
            await WriteTimesAsync(w, TimeOf(i));
        });
        return rows;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static Task<long> CopyAsync(NpgsqlConnection connection, string target, int count, Func<NpgsqlBinaryImporter, int, Task> row) =>
        CopyAsync(connection, target, 0, count, row);

    private static async Task<long> CopyAsync(NpgsqlConnection connection, string target, int from, int to, Func<NpgsqlBinaryImporter, int, Task> row)
    {
        var count = to - from;
        var clock = Stopwatch.StartNew();
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)");
        for (var i = from; i < to; i++)
        {
            await writer.StartRowAsync();
            await row(writer, i);
        }
        await writer.CompleteAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {target[..target.IndexOf(' ')]}: {count} rows in {clock.Elapsed.TotalSeconds:F1} s"));
        return count;
    }

    private static Task WriteJsonAsync(NpgsqlBinaryImporter writer, string json) => writer.WriteAsync(json, NpgsqlDbType.Jsonb);

    private static async Task WriteTimesAsync(NpgsqlBinaryImporter writer, DateTime at)
    {
        await writer.WriteAsync(at, NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(at, NpgsqlDbType.TimestampTz);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    /// <summary>A localized text: English always, Russian and Kazakh often, Korean sometimes.</summary>
    private string Text(Random random, int words, string lead)
    {
        var json = new StringBuilder("{\"en\": \"").Append(lead);
        for (var k = 0; k < words; k++)
        {
            json.Append(' ').Append(Pick(random, s_en));
        }
        // A rarer word too (like a name or a term), so that searches can be as selective as real ones. There are more
        // of them in more data (20,000 at scale 1): a term matches about as many rows at every scale.
        json.Append(" term").Append(random.Next(Terms).ToString(CultureInfo.InvariantCulture));
        json.Append('"');
        if (random.NextDouble() < 0.7)
        {
            json.Append(", \"ru\": \"").AppendJoin(' ', Enumerable.Range(0, words).Select(_ => Pick(random, s_ru))).Append('"');
        }
        if (random.NextDouble() < 0.5)
        {
            json.Append(", \"kk\": \"").AppendJoin(' ', Enumerable.Range(0, words).Select(_ => Pick(random, s_kk))).Append('"');
        }
        if (random.NextDouble() < 0.3)
        {
            json.Append(", \"ko\": \"").AppendJoin(' ', Enumerable.Range(0, words).Select(_ => Pick(random, s_ko))).Append('"');
        }
        return json.Append('}').ToString();
    }
}
