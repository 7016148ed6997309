using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace RoundTable.Api.Http;

/// <summary>Configuration section "Proxy": the reverse proxies whose X-Forwarded-* headers are believed.</summary>
internal sealed class ProxyOptions
{
    public const string Section = "Proxy";

    /// <summary>Addresses of trusted proxies (default: loopback only, as ASP.NET Core's).</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR form, e.g. 10.0.0.0/8.</summary>
    public List<string> TrustedNetworks { get; set; } = [];
}

/// <summary>
/// Behind a reverse proxy: X-Forwarded-For, -Proto and -Host from a trusted proxy become the request's client address
/// (what rate limits count by), scheme and host (what JSON-LD and calendar URLs are built from); from anyone else they
/// are ignored, so a client cannot choose its own address. Every answer says nosniff; Kestrel sends no Server header.
/// </summary>
internal static class ProxySetup
{
    public static IServiceCollection AddRoundTableProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var proxy = configuration.GetSection(ProxyOptions.Section).Get<ProxyOptions>() ?? new ProxyOptions();
        return services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            if (proxy.TrustedProxies.Count > 0 || proxy.TrustedNetworks.Count > 0)
            {
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var address in proxy.TrustedProxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(address));
                }
                foreach (var network in proxy.TrustedNetworks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
            // One proxy in front of the API: the address it saw is the client's.
            options.ForwardLimit = 1;
        });
    }

    public static IApplicationBuilder UseRoundTableProxy(this IApplicationBuilder app) =>
        app.UseForwardedHeaders().Use((context, next) =>
        {
            // On starting: the exception handler and the request timeout clear the headers before they answer.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            return next(context);
        });
}
