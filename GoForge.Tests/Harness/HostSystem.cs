using System.Net;
using System.Net.Sockets;

namespace GoForge.Tests.Harness;

/// <summary>Small facts about the machine the tests run on.</summary>
internal static class HostSystem
{
    /// <summary>.NET resolves <see cref="Environment.UserName"/> from geteuid(), so this is the effective user.</summary>
    public static bool IsRoot => Environment.UserName == "root";

    public static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    public static bool IsProcessAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>A port nobody listens on right now; another process could still take it before we bind it.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Ids of the host's processes whose command line contains <paramref name="text"/>: a BuildKit RUN step runs as a
    /// process of the host (in namespaces of its own) and as no engine container, so this is how a test sees one.
    /// </summary>
    public static IReadOnlyList<int> ProcessesRunning(string text)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), System.Globalization.CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone since the listing.
            }
        }

        return found;
    }
}
