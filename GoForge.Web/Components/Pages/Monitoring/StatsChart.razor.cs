using System.Globalization;
using System.Text;
using GoForge.Core.Monitoring;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Pages.Monitoring;

/// <summary>One series of a <see cref="StatsChart"/>: its legend name, the figure it plots, and its colour class.</summary>
public sealed record StatsLine(string Name, Func<ContainerStatsSample, double> Value, string CssClass);

/// <summary>
/// A sparkline of the last <see cref="Window"/> of stats points, drawn as SVG paths in seconds (x) and percent of the
/// scale (y). Points sit at fixed x from an origin and the view box slides, and each series is cut into one path per
/// minute: a finished minute's path text never changes, so the render diff of a new point is the view box and the
/// newest minute. No JS, no measuring, no element per point (see docs/decisions/monitoring.md for why not MudChart).
/// </summary>
public sealed partial class StatsChart : ComponentBase
{
    /// <summary>Seconds per path: the part of a line that is re-sent when a point arrives.</summary>
    public const int SegmentSeconds = 60;

    /// <summary>A longer silence (a stop, an engine away) is drawn as a gap, not a slope.</summary>
    public static readonly TimeSpan Gap = TimeSpan.FromSeconds(5);

    private (StatsLine Line, (long Minute, string Path)[] Segments)[] _drawn = [];
    private DateTimeOffset? _origin;
    private double _end;
    private double _top = 1;
    private int _count;

    /// <summary>The chart's heading, e.g. "CPU". Required.</summary>
    [Parameter, EditorRequired]
    public string Title { get; set; } = string.Empty;

    /// <summary>The container's points, oldest first; those within <see cref="Window"/> of the newest are drawn. Required.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<ContainerStatsSample> Samples { get; set; } = [];

    /// <summary>The series to draw (two at most read well). Required.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyList<StatsLine> Lines { get; set; } = [];

    /// <summary>Formats the top of the scale, e.g. <see cref="MonitoringWording.Rate"/>. Required.</summary>
    [Parameter, EditorRequired]
    public Func<double, string> Format { get; set; } = v => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>The newest figure as people read it. Default null (a dash).</summary>
    [Parameter]
    public string? Latest { get; set; }

    /// <summary>A fixed top of the scale (memory: the limit). Default null: the largest value drawn, rounded up to 1, 2 or 5 × 10ⁿ.</summary>
    [Parameter]
    public double? Ceiling { get; set; }

    /// <summary>The smallest automatic top, so an idle container's noise is not blown up to full height. Default 1.</summary>
    [Parameter]
    public double MinCeiling { get; set; } = 1;

    /// <summary>Whether the figures are bytes, so an automatic top is a round number of KB, MB or GB. Default false.</summary>
    [Parameter]
    public bool Binary { get; set; }

    /// <summary>How much history is drawn. Default 15 minutes.</summary>
    [Parameter]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Extra attributes for the outer element, such as <c>data-testid</c>.</summary>
    [Parameter(CaptureUnmatchedValues = true)]
    public IReadOnlyDictionary<string, object>? Attributes { get; set; }

    private string ViewBox => string.Create(CultureInfo.InvariantCulture, $"{_end - Window.TotalSeconds:0} -3 {Window.TotalSeconds:0} 106");

    protected override void OnParametersSet()
    {
        var samples = Samples;
        if (samples.Count == 0)
        {
            (_drawn, _count, _origin, _end, _top) = ([], 0, null, 0, Ceiling ?? MinCeiling);
            return;
        }

        var newest = samples[^1].Time;
        var first = samples.Count - 1;
        while (first > 0 && newest - samples[first - 1].Time <= Window)
        {
            first--;
        }

        // A fixed origin keeps finished minutes' text unchanged; it moves only for another container's points, or
        // after a day (so the numbers stay short), and every path is re-sent once then.
        if (_origin is not { } origin || samples[first].Time < origin || newest - origin > TimeSpan.FromDays(1))
        {
            _origin = origin = samples[first].Time;
        }

        _count = samples.Count - first;
        _end = X(newest, origin);
        _top = Ceiling is > 0 ? Ceiling.Value : NiceCeiling(Largest(samples, first));
        _drawn = new (StatsLine, (long, string)[])[Lines.Count];
        for (var l = 0; l < Lines.Count; l++)
        {
            _drawn[l] = (Lines[l], Segments(Lines[l], samples, first, origin));
        }
    }

    private (long Minute, string Path)[] Segments(StatsLine line, IReadOnlyList<ContainerStatsSample> samples, int first, DateTimeOffset origin)
    {
        var segments = new List<(long, string)>();
        var path = new StringBuilder();
        long? minute = null;
        for (var i = first; i < samples.Count; i++)
        {
            var x = X(samples[i].Time, origin);
            var at = (long)Math.Floor(x / SegmentSeconds);
            if (at != minute)
            {
                if (minute is { } done)
                {
                    segments.Add((done, path.ToString()));
                    path.Clear();
                }

                minute = at;

                // Each minute starts at the previous point, so the line joins up across paths.
                if (i > first && samples[i].Time - samples[i - 1].Time <= Gap)
                {
                    Point(path.Append('M'), X(samples[i - 1].Time, origin), Y(line, samples[i - 1]));
                }
            }

            var joined = path.Length > 0 && samples[i].Time - samples[i - 1].Time <= Gap;
            Point(joined ? path : path.Append(" M"), x, Y(line, samples[i]));
        }

        segments.Add((minute!.Value, path.ToString()));
        return [.. segments];
    }

    private static void Point(StringBuilder path, double x, double y) =>
        path.Append(CultureInfo.InvariantCulture, $" {x:0.#},{y:0}");

    private static double X(DateTimeOffset time, DateTimeOffset origin) => (time - origin).TotalSeconds;

    private double Y(StatsLine line, ContainerStatsSample sample) => 100 - (Math.Clamp(line.Value(sample) / _top, 0, 1) * 100);

    private double Largest(IReadOnlyList<ContainerStatsSample> samples, int first)
    {
        var largest = 0d;
        foreach (var line in Lines)
        {
            for (var i = first; i < samples.Count; i++)
            {
                largest = Math.Max(largest, line.Value(samples[i]));
            }
        }

        return largest;
    }

    // 1, 2 or 5 × 10ⁿ at or above the value (of KB, MB… for bytes): a scale top that reads as a round figure.
    private double NiceCeiling(double value)
    {
        value = Math.Max(value, MinCeiling);
        if (value <= 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return 1;
        }

        var unit = 1d;
        while (Binary && value / unit >= 1024)
        {
            unit *= 1024;
        }

        var scaled = value / unit;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(scaled)));
        foreach (var step in (ReadOnlySpan<double>)[1, 2, 5, 10])
        {
            if (step * magnitude >= scaled)
            {
                return step * magnitude * unit;
            }
        }

        return 10 * magnitude * unit;
    }
}
