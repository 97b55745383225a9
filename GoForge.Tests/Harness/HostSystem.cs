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
}
