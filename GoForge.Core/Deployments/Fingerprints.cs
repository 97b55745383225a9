using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Projects;

namespace GoForge.Core.Deployments;

/// <summary>
/// What an image was built from, hashed (SHA-256, lower-case hex): two deployments with the same fingerprint would
/// build the same image, so the second starts the first's image instead (docs/deployments/apply-and-stop.md).
/// The inputs, and nothing else:
/// <list type="number">
/// <item>the commit sha;</item>
/// <item>the repository URL;</item>
/// <item>the build context folder, the Dockerfile path and the target stage (the branch is not an input: the commit is);</item>
/// <item>every build-time variable, key, value and whether it is a secret (a BuildKit secret or a build argument), in key order (order-independent).</item>
/// </list>
/// A new build input must be added here, or a changed one would reuse a stale image. Every field is length-prefixed, so no two different input lists hash alike.
/// </summary>
public static class BuildFingerprint
{
    /// <summary>The version of the input list; bumped when an input is added, so older fingerprints never match.</summary>
    private const string Version = "build-v2";

    public static string Of(string commitSha, Application app, IEnumerable<EnvironmentVariable> variables)
    {
        ArgumentException.ThrowIfNullOrEmpty(commitSha);
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(variables);
        var hash = new FingerprintWriter(Version);
        hash.Add(commitSha);
        hash.Add(app.GitUrl);
        hash.Add(app.BuildContext);
        hash.Add(app.DockerfilePath);
        hash.Add(app.BuildTarget ?? string.Empty);
        foreach (var v in variables.Where(v => v.IsBuildTime).OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            hash.Add(v.Key);
            hash.Add(v.Value);
            hash.Add(v.IsSecret ? "secret" : "argument");
        }

        return hash.Finish();
    }
}

/// <summary>
/// The settings a container is started with, hashed: variables (key, value, flags), port, health check path, limits,
/// raw sockets, restart policy and domains. The running deployment records the one it started with; when the
/// application's settings hash differently now, "Apply" would change something (the application runtime service compares them).
/// </summary>
public static class SettingsFingerprint
{
    private const string Version = "settings-v1";

    public static string Of(Application app, IEnumerable<EnvironmentVariable> variables)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(variables);
        var hash = new FingerprintWriter(Version);
        foreach (var v in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            hash.Add(v.Key);
            hash.Add(v.Value);
            hash.Add(v.IsSecret ? "secret" : "plain");
            hash.Add(v.IsBuildTime ? "build" : "run");
        }

        hash.Add(Invariant(app.ContainerPort));
        hash.Add(app.HealthCheckPath ?? "");
        hash.Add(app.MemoryLimitMb is { } mb ? Invariant(mb) : "");
        hash.Add(app.CpuLimit is { } cpu ? cpu.ToString(CultureInfo.InvariantCulture) : "");
        hash.Add(Invariant(app.PidsLimit));
        hash.Add(app.AllowRawSockets ? "raw" : "no-raw");
        hash.Add(app.RestartPolicy.ToString());
        foreach (var domain in app.Domains.Select(d => d.ToString()).Order(StringComparer.Ordinal))
        {
            hash.Add(domain);
        }

        return hash.Finish();
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Length-prefixed fields into one SHA-256.</summary>
internal sealed class FingerprintWriter
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public FingerprintWriter(string version) => Add(version);

    public void Add(string field)
    {
        var bytes = Encoding.UTF8.GetBytes(field);
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        _hash.AppendData(length);
        _hash.AppendData(bytes);
    }

    public string Finish()
    {
        using (_hash)
        {
            return Convert.ToHexStringLower(_hash.GetHashAndReset());
        }
    }
}
