using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace RoundTable.Api.Webhooks;

/// <summary>
/// Which URLs a subscription may target, and the HTTP client that sends to them: the address a name resolves to is
/// checked when the connection is made (so a name cannot be pointed at a private address after it was accepted),
/// redirects are not followed, and answers are read only up to a bound.
/// </summary>
internal sealed class WebhookTargets(IOptions<WebhookOptions> options)
{
    public const int ExcerptBytes = 512;

    private readonly Lazy<HttpClient> _client = new(() => CreateClient(options.Value));

    public HttpClient Client => _client.Value;

    /// <summary>Why <paramref name="url"/> may not be a target (null: it may).</summary>
    public string? Refusal(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "url must be an absolute http(s) URL.";
        }
        if (options.Value.RequireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "url must be https.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "url must not carry credentials or a fragment.";
        }
        if (!options.Value.AllowPrivateTargets
            && (uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IsPrivate(address))))
        {
            return "url must not point to a loopback, private, link-local or metadata address.";
        }
        return null;
    }

    /// <summary>Loopback, private (RFC 1918, unique local), shared (RFC 6598), link-local (metadata services), unspecified, multicast.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && (b[1] & 0xC0) == 64) || b[0] >= 224
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) || (b[0] == 198 && (b[1] & 0xFE) == 18);
        }
        var v6 = address.GetAddressBytes();
        // Forms that carry an IPv4 address inside: IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48)
        // and 6to4 (2002::/16) reach the IPv4 address they embed.
        if (v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPrivate(new IPAddress(v6.AsSpan(12, 4)));
        }
        if ((v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b) || (v6[0] == 0x20 && v6[1] == 0x02))
        {
            var embedded = v6[0] == 0x20 ? v6.AsSpan(2, 4) : v6.AsSpan(12, 4);
            return (v6[0] == 0x00 && v6[5] == 0x01) || IsPrivate(new IPAddress(embedded));
        }
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC;
    }

    private static HttpClient CreateClient(WebhookOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxResponseHeadersLength = 64,
            MaxResponseDrainSize = 0, // the rest of an answer is not read: the connection is dropped
            ConnectCallback = async (context, ct) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
                if (!options.AllowPrivateTargets && addresses.Any(IsPrivate))
                {
                    throw new WebhookTargetRefusedException();
                }
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = options.Timeout, MaxResponseContentBufferSize = 1 << 20 };
    }
}

/// <summary>The target resolved to an address subscriptions may not reach.</summary>
internal sealed class WebhookTargetRefusedException() : IOException("The target resolves to a loopback, private, link-local or metadata address.");
