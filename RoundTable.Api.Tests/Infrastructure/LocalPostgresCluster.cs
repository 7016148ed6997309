using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster started from the installed server binaries: random free port, fsync off,
/// deleted when the test run ends. As root the binaries run as the postgres user, as PostgreSQL requires.
/// </summary>
internal sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string DirectoryPrefix = "roundtable-test-pg-";

    private readonly string _binDirectory;
    private readonly string _dataDirectory;

    private LocalPostgresCluster(string binDirectory, string dataDirectory, int port)
    {
        _binDirectory = binDirectory;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true";

    public static string? FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("ROUNDTABLE_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var best = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .FirstOrDefault();
            if (best.Dir is not null)
            {
                return best.Dir;
            }
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(d => d.Length > 0 && File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    /// <summary>
    /// A new cluster. <paramref name="durable"/>: fsync and synchronous commit on, as in production, for tests that
    /// stop the server abruptly and count on every acknowledged commit surviving.
    /// </summary>
    public static async Task<LocalPostgresCluster> StartAsync(string binDirectory, bool durable = false)
    {
        RemoveStaleClusters(binDirectory);
        var dataDirectory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        var port = FreePort();
        var cluster = new LocalPostgresCluster(binDirectory, dataDirectory, port);
        await cluster.RunAsync("initdb", "-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"), $"""

            port = {port}
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{dataDirectory}'
            {(durable ? "" : "fsync = off\nsynchronous_commit = off\nfull_page_writes = off")}
            max_connections = 300
            shared_buffers = 128MB
            """);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await cluster.RunAsync("pg_ctl", "-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60", "start");
        return cluster;
    }

    /// <summary>
    /// A hot standby of this cluster, by synchronous streaming replication (pg_basebackup -R; this cluster then waits
    /// for the standby to have flushed every commit before it acknowledges it, so a failover loses no acknowledged
    /// write), on a port of its own; it feeds back its oldest snapshot so that the primary does not remove rows its
    /// reads still need. Promoted, it waits for no standby of its own.
    /// </summary>
    public async Task<LocalPostgresCluster> StartStandbyAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        var port = FreePort();
        var standby = new LocalPostgresCluster(_binDirectory, dataDirectory, port);
        await RunAsync("pg_basebackup", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-D", dataDirectory, "-R", "-X", "stream", "-c", "fast", "--no-sync");
        await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"), $"""

            port = {port}
            unix_socket_directories = '{dataDirectory}'
            hot_standby = on
            hot_standby_feedback = on
            synchronous_standby_names = ''
            """);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await standby.RunAsync("pg_ctl", "-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60", "start");
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        foreach (var sql in new[] { "ALTER SYSTEM SET synchronous_standby_names = '*'", "SELECT pg_reload_conf()" })
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
        return standby;
    }

    /// <summary>Makes this standby the primary (pg_ctl promote, waiting until it accepts writes).</summary>
    public Task PromoteAsync() => RunAsync("pg_ctl", "-D", _dataDirectory, "-w", "-t", "60", "promote");

    /// <summary>Stops the server as a crash would (immediate: no checkpoint, clients cut off).</summary>
    public Task CrashAsync() => RunAsync("pg_ctl", "-D", _dataDirectory, "-m", "immediate", "-w", "stop");

    /// <summary>Starts the stopped server again on the same port (recovering from its WAL).</summary>
    public Task RestartAsync() =>
        RunAsync("pg_ctl", "-D", _dataDirectory, "-l", Path.Combine(_dataDirectory, "server.log"), "-w", "-t", "60", "start");

    /// <summary>
    /// Freezes the server (SIGSTOP to the postmaster and every backend): connections are accepted by the kernel and
    /// then nothing answers, as with a hung host or a stalled disk. <see cref="ThawAsync"/> lets it go on.
    /// </summary>
    public Task FreezeAsync() => SignalAllAsync("STOP");

    public Task ThawAsync() => SignalAllAsync("CONT");

    private async Task SignalAllAsync(string signal)
    {
        var postmaster = (await File.ReadAllLinesAsync(Path.Combine(_dataDirectory, "postmaster.pid")))[0].Trim();
        // The backends are the postmaster's children: /proc/<pid>/stat names each process's parent after its name.
        var children = Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(pid => pid!.All(char.IsAsciiDigit))
            .Where(pid =>
            {
                try
                {
                    var stat = File.ReadAllText($"/proc/{pid}/stat");
                    return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1] == postmaster;
                }
                catch (IOException)
                {
                    return false;
                }
            });
        var start = new ProcessStartInfo("kill") { UseShellExecute = false };
        foreach (var a in new[] { $"-{signal}", postmaster }.Concat(children!))
        {
            start.ArgumentList.Add(a!);
        }
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} failed ({process.ExitCode}).");
        }
    }

    /// <summary>
    /// Stops the server and deletes its folder from a detached shell: this runs at process exit, where the test host
    /// may be ended at any moment, and the shell outlives it.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var a in new[] { "sh", "-c", "dir=$1; shift; \"$@\" -D \"$dir\" -m immediate -w stop >/dev/null 2>&1; rm -rf \"$dir\"", "sh", _dataDirectory })
        {
            start.ArgumentList.Add(a);
        }
        foreach (var a in Command("pg_ctl"))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start);
        return ValueTask.CompletedTask;
    }

    /// <summary>Clusters left by test runs that were killed: stop them and delete their folders.</summary>
    private static void RemoveStaleClusters(string binDirectory)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var ownerFile = Path.Combine(directory, "owner.pid");
            if (File.Exists(ownerFile) && int.TryParse(File.ReadAllText(ownerFile), out var owner) && IsAlive(owner))
            {
                continue;
            }
            var stale = new LocalPostgresCluster(binDirectory, directory, 0);
            try
            {
                stale.RunAsync("pg_ctl", "-D", directory, "-m", "immediate", "-w", "stop").GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
                // Not running.
            }
            TryDelete(directory);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The command line that runs a server tool: as the postgres user when we are root (PostgreSQL refuses root).</summary>
    private string[] Command(string tool)
    {
        var executable = Path.Combine(_binDirectory, tool);
        return Environment.IsPrivilegedProcess ? ["runuser", "-u", "postgres", "--", executable] : [executable];
    }

    private async Task RunAsync(string tool, params string[] args)
    {
        var command = Command(tool);
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1).Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
