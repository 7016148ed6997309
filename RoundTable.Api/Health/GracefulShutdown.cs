namespace RoundTable.Api.Health;

/// <summary>Configuration section "Shutdown".</summary>
internal sealed class ShutdownOptions
{
    public const string Section = "Shutdown";

    /// <summary>
    /// Seconds between a stop signal and the server's stop, during which /health/ready answers 503 while requests are
    /// still served, so a load balancer takes the replica out of rotation before it stops listening (default 5).
    /// </summary>
    public int DrainDelaySeconds { get; set; } = 5;
}

/// <summary>Whether the process has been told to stop (readiness is then off).</summary>
internal sealed class ShutdownState
{
    private volatile bool _stopping;

    public bool Stopping => _stopping;

    public void MarkStopping() => _stopping = true;
}

/// <summary>
/// On a stop signal: readiness off at once, then the drain delay while requests are still served, then the server's
/// own graceful stop (it finishes the requests in flight within the host's shutdown timeout, raised by the delay).
/// </summary>
internal static class GracefulShutdown
{
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ShutdownOptions.Section).Get<ShutdownOptions>() ?? new ShutdownOptions();
        services.AddSingleton<ShutdownState>();
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainDelaySeconds + 25));
        services.Configure<ShutdownOptions>(configuration.GetSection(ShutdownOptions.Section));
        return services;
    }

    public static WebApplication UseGracefulShutdown(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<ShutdownState>();
        var delay = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ShutdownOptions>>().Value.DrainDelaySeconds;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GracefulShutdown));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            state.MarkStopping();
            if (delay > 0)
            {
                logger.LogInformation("Stopping: not ready from now on; serving for {Delay} s more before the server stops.", delay);
                // Blocking here is the point: the server stops only after the stopping callbacks return.
                Thread.Sleep(TimeSpan.FromSeconds(delay));
            }
        });
        return app;
    }
}
