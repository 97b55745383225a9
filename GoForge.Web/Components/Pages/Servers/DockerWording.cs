using System.Globalization;
using GoForge.Core.Monitoring;
using MudBlazor;

namespace GoForge.Web.Components.Pages.Servers;

/// <summary>How engine figures read on the Docker page and the dashboard: sizes as <c>docker system df</c> prints them, states, prune kinds.</summary>
public static class DockerWording
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB"];

    /// <summary>"0 B", "512 B", "1.23 MB", "45.6 GB": decimal units and three significant digits, as the Docker CLI shows them.</summary>
    public static string Bytes(long bytes) => Bytes((double)Math.Max(bytes, 0));

    public static string Bytes(ulong bytes) => Bytes((double)bytes);

    /// <summary>"1.2 GB (45%)": what can be reclaimed and its share of the size.</summary>
    public static string Reclaimable(long reclaimable, long size) =>
        size > 0 ? string.Create(CultureInfo.InvariantCulture, $"{Bytes(reclaimable)} ({Math.Round(100.0 * reclaimable / size):0}%)") : Bytes(reclaimable);

    /// <summary>"1.5 %": one decimal.</summary>
    public static string Percent(double percent) => string.Create(CultureInfo.InvariantCulture, $"{percent:0.0} %");

    /// <summary>The first 12 characters of an engine id, without its <c>sha256:</c> prefix (as <c>docker ps</c> shows it).</summary>
    public static string ShortId(string id)
    {
        var bare = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return bare[..Math.Min(12, bare.Length)];
    }

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    public static Color ColorOf(ContainerRunState state) => state switch
    {
        ContainerRunState.Running => Color.Success,
        ContainerRunState.Restarting or ContainerRunState.Dead => Color.Error,
        ContainerRunState.Paused or ContainerRunState.Removing => Color.Warning,
        ContainerRunState.Created or ContainerRunState.Exited or ContainerRunState.Removed => Color.Default,
        _ => Color.Default,
    };

    /// <summary>"running", "exited (1)": an exit code is shown when the container is not running.</summary>
    public static string Label(ContainerSnapshot container) => container.State switch
    {
        ContainerRunState.Exited or ContainerRunState.Dead => string.Create(CultureInfo.InvariantCulture, $"{container.State.ToString().ToLowerInvariant()} ({container.ExitCode})"),
        _ => container.State.ToString().ToLowerInvariant(),
    };

    public static string Health(ContainerHealthState health) => health switch
    {
        ContainerHealthState.None => "no check",
        _ => health.ToString().ToLowerInvariant(),
    };

    public static string Title(PruneKind kind) => kind switch
    {
        PruneKind.DanglingImages => "Dangling images",
        PruneKind.StoppedContainers => "Stopped containers",
        PruneKind.BuildCache => "Build cache",
        _ => kind.ToString(),
    };

    public static string Explanation(PruneKind kind) => kind switch
    {
        PruneKind.DanglingImages => "Images without a tag that no container uses: what earlier builds left behind.",
        PruneKind.StoppedContainers => "Containers that are not running. A running application keeps its container.",
        PruneKind.BuildCache => "Layers the builder kept to make the next build faster; the next build is slower once.",
        _ => string.Empty,
    };

    private static string Bytes(double bytes)
    {
        var unit = 0;
        while (bytes >= 1000 && unit < Units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        var format = unit == 0 || bytes >= 100 ? "0" : bytes >= 10 ? "0.#" : "0.##";
        return bytes.ToString(format, CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
