using System.Net.Sockets;
using Npgsql;
using Testcontainers.PostgreSql;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL server for the whole test run: ROUNDTABLE_TEST_CONNECTION when set; else a Testcontainers
/// container when a Docker daemon answers; else a throwaway cluster from the installed binaries.
/// A template database is migrated and seeded once; every test gets a fresh copy of it.
/// </summary>
internal static class TestPostgres
{
    public const string TemplateDatabase = "roundtable_template";

    private static readonly Lazy<Task<string>> s_server = new(StartServerAsync);
    private static readonly SemaphoreSlim s_createLock = new(1, 1);
    private static IAsyncDisposable? s_owned;

    /// <summary>A new database copied from the migrated and seeded template.</summary>
    public static async Task<string> CreateDatabaseAsync(bool fromTemplate = true)
    {
        var server = await s_server.Value;
        var name = "rt_test_" + Guid.NewGuid().ToString("N")[..16];
        // CREATE DATABASE ... TEMPLATE fails while another copy of the template is being made.
        await s_createLock.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                fromTemplate ? $"CREATE DATABASE {name} TEMPLATE {TemplateDatabase}" : $"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            s_createLock.Release();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var server = await s_server.Value;
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartServerAsync()
    {
        var server = await StartBackendAsync();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TemplateDatabase} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateDatabase}", connection);
            await create.ExecuteNonQueryAsync();
        }
        // The app migrates and seeds the template exactly as it does at startup.
        var template = new NpgsqlConnectionStringBuilder(server) { Database = TemplateDatabase }.ConnectionString;
        await using (var factory = ApiTest.CreateFactory(template, prepareDatabase: true))
        {
            // Start-up migrates and seeds in the background: ready when it is done.
            using var client = factory.CreateClient();
            if (!await ApiTest.WaitUntilReadyAsync(client, seconds: 120))
            {
                throw new InvalidOperationException("The template database was not migrated and seeded within 2 minutes.");
            }
        }
        NpgsqlConnection.ClearAllPools();
        return server;
    }

    private static async Task<string> StartBackendAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ROUNDTABLE_TEST_CONNECTION");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        if (await DockerAnswersAsync())
        {
            var image = Environment.GetEnvironmentVariable("ROUNDTABLE_TEST_POSTGRES_IMAGE") is { Length: > 0 } i ? i : "postgres:17-alpine";
            var container = new PostgreSqlBuilder(image).Build();
            await container.StartAsync();
            s_owned = container;
            RegisterCleanup();
            return new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString;
        }
        var bin = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException(
            "No PostgreSQL for the tests: set ROUNDTABLE_TEST_CONNECTION, start Docker, or install the PostgreSQL server "
            + "(apt-get install postgresql).");
        var cluster = await LocalPostgresCluster.StartAsync(bin);
        s_owned = cluster;
        RegisterCleanup();
        return cluster.ConnectionString;
    }

    private static void RegisterCleanup() =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) => s_owned?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Asks the Docker daemon for /_ping, giving up after two seconds.</summary>
    private static async Task<bool> DockerAnswersAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socketPath = host is not null && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : "/var/run/docker.sock";
        if (host is not null && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            return true; // A remote daemon was configured on purpose; let Testcontainers use it.
        }
        if (!File.Exists(socketPath))
        {
            return false;
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            using var client = new HttpClient(handler);
            using var response = await client.GetAsync(new Uri("http://docker/_ping"), cts.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
