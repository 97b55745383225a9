using System.Text.RegularExpressions;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>
/// Turns the CLI's plain progress (<c>--progress=plain</c>) into deployment log lines and remembers the failing step.
/// A step's output (<c>#5 0.177 text</c>) is logged as its text, as the legacy builder showed it; digests
/// (<c>#5 sha256:…</c>) are dropped; step titles, <c>DONE</c>, <c>CACHED</c> and errors are kept as they are.
/// Thread-safe: stdout and stderr are read at once.
/// </summary>
internal sealed partial class BuildKitOutput(IProgress<string> log)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _steps = new(StringComparer.Ordinal);
    private string? _lastLine;

    /// <summary>The failing step's error: <c>[stage 2/3] RUN …: executor failed running …: exit code: 1</c>.</summary>
    public string? StepError { get; private set; }

    /// <summary>The last line the CLI wrote, for a failure that names no step (a Dockerfile that does not parse).</summary>
    public string? LastLine
    {
        get
        {
            lock (_lock)
            {
                return _lastLine;
            }
        }
    }

    public void Add(string line)
    {
        line = line.TrimEnd('\r');
        lock (_lock)
        {
            if (line.Trim().Length > 0)
            {
                _lastLine = line.Trim();
            }

            if (Digest().IsMatch(line))
            {
                return;
            }

            if (Output().Match(line) is { Success: true } output)
            {
                log.Report(output.Groups[1].Value);
                return;
            }

            if (StepError is null && Error().Match(line) is { Success: true } error)
            {
                StepError = _steps.TryGetValue(error.Groups[1].Value, out var step) ? $"{step}: {error.Groups[2].Value}" : error.Groups[2].Value;
            }
            else if (Title().Match(line) is { Success: true } title)
            {
                _steps[title.Groups[1].Value] = title.Groups[2].Value;
            }

            log.Report(line);
        }
    }

    [GeneratedRegex(@"^#\d+ sha256:[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Digest();

    [GeneratedRegex(@"^#\d+ \d+\.\d+ (.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Output();

    [GeneratedRegex(@"^#(\d+) ERROR: (.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Error();

    [GeneratedRegex(@"^#(\d+) (\[.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Title();
}
