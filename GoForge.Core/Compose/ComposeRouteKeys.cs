using System.Security.Cryptography;
using System.Text;

namespace GoForge.Core.Compose;

/// <summary>
/// A compose application has one proxy route per routed service. The proxy keys routes by a workload id, so each
/// service's route gets a stable id of its own derived from the application's id and the service's name (a name-based
/// UUID, RFC 9562 version 5 style over SHA-256): the same on every deployment, and never an application's or another
/// service's.
/// </summary>
public static class ComposeRouteKeys
{
    public static Guid Of(Guid applicationId, string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(service.Length) + 8];
        applicationId.TryWriteBytes(input, bigEndian: true, out _);
        "compose:"u8.CopyTo(input[16..]);
        var length = 24 + Encoding.UTF8.GetBytes(service, input[24..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
