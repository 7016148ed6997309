using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace RoundTable.Api.Auth;

/// <summary>API keys as secrets: 256 random bits behind a recognisable prefix; the database keeps only their SHA-256.</summary>
internal static class ApiKeySecrets
{
    public const string Prefix = "rt_";

    /// <summary>How much of a key is kept in clear, to tell keys apart.</summary>
    public const int ShownLength = 9;

    public static string New() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
