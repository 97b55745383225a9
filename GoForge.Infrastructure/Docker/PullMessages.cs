using Docker.DotNet.Models;
using GoForge.Core.Containers;

namespace GoForge.Infrastructure.Docker;

/// <summary>
/// The engine's pull stream as <see cref="ImagePullProgress"/> steps, keeping its first error: the engine reports a
/// failed pull in the stream, not by status.
/// </summary>
internal sealed class PullMessages(IProgress<ImagePullProgress>? progress) : IProgress<JSONMessage>
{
    /// <summary>The first error the stream carried; null when none.</summary>
    public string? Error { get; private set; }

    public void Report(JSONMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Error is { } error)
        {
            Error ??= error.Message;
            return;
        }

        progress?.Report(new ImagePullProgress(
            value.Status ?? string.Empty,
            value.Progress is { } p && p.Total > 0 ? p.Current : null,
            value.Progress is { } q && q.Total > 0 ? q.Total : null,
            string.IsNullOrEmpty(value.ID) ? null : value.ID));
    }
}
