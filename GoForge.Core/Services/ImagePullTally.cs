using GoForge.Core.Containers;
namespace GoForge.Core.Services;

/// <summary>
/// Adds up an image pull's steps into one figure for a progress bar. The engine reports each layer twice with bytes
/// (Downloading, then Extracting); each phase of each layer counts with its own total, a layer's "Pull complete"
/// fills both, and "Already exists" layers count as done without bytes. Not thread-safe: one pull, one reader.
/// </summary>
public sealed class ImagePullTally
{
    private static readonly string[] Phases = ["Downloading", "Extracting"];
    private readonly Dictionary<(string Layer, string Phase), (long Current, long Total)> _parts = [];

    /// <summary>The last step, for the line under the bar ("a1b2c3: Downloading").</summary>
    public string Status { get; private set; } = string.Empty;

    /// <summary>Layers the pull has named so far.</summary>
    public int Layers => _parts.Keys.Select(k => k.Layer).Distinct(StringComparer.Ordinal).Count();

    /// <summary>0–100 over the bytes reported so far; null until some step carried a size (a present image never does).</summary>
    public double? Percent
    {
        get
        {
            var total = _parts.Values.Sum(p => p.Total);
            return total > 0 ? Math.Round(100.0 * _parts.Values.Sum(p => p.Current) / total, 1) : null;
        }
    }

    public void Apply(ImagePullProgress step)
    {
        ArgumentNullException.ThrowIfNull(step);
        Status = step.Text;
        if (step.Layer is not { } layer)
        {
            return;
        }

        if (Phases.FirstOrDefault(p => step.Status.StartsWith(p, StringComparison.Ordinal)) is { } phase
            && step.Total is { } total && total > 0 && step.Current is { } current)
        {
            _parts[(layer, phase)] = (Math.Clamp(current, 0, total), total);
            return;
        }

        if (step.Status.StartsWith("Download complete", StringComparison.Ordinal))
        {
            Complete(layer, "Downloading");
        }
        else if (step.Status.StartsWith("Pull complete", StringComparison.Ordinal))
        {
            Complete(layer, "Downloading");
            Complete(layer, "Extracting");
        }
    }

    private void Complete(string layer, string phase)
    {
        if (_parts.TryGetValue((layer, phase), out var part))
        {
            _parts[(layer, phase)] = (part.Total, part.Total);
        }
    }
}
