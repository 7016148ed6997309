using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RoundTable.Api.Tests.Infrastructure;

/// <summary>
/// One Redis server for the test run (ROUNDTABLE_TEST_REDIS when set, else redis-server from the installed package on
/// a free port, in memory only), for the rate limits replicas share. Tests keep apart by a prefix of their own.
/// </summary>
internal static class TestRedis
{
    private static readonly Lazy<Task<string>> s_server = new(StartAsync);

    /// <summary>The StackExchange.Redis connection string of the server.</summary>
    public static Task<string> ConnectionStringAsync() => s_server.Value;

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("ROUNDTABLE_TEST_REDIS") is { Length: > 0 } configured)
        {
            return configured;
        }
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No Redis for the tests: install it (apt-get install redis-server) or set ROUNDTABLE_TEST_REDIS.");
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no" })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
            }
        };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return $"127.0.0.1:{port}";
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException("redis-server did not start within 5 s.");
    }
}
