using GoForge.Core.Monitoring;

namespace GoForge.Web.Components.Pages.Monitoring;

/// <summary>
/// The Logs tab's kept lines: the newest <see cref="Capacity"/>, numbered as they arrive. A pause freezes what is
/// shown (lines up to the number seen when pausing) while new ones keep coming and are counted. Used on the circuit's
/// dispatcher only, so it takes no lock.
/// </summary>
internal sealed class ContainerLogBuffer(int capacity)
{
    private readonly Queue<Line> _lines = new();
    private long _last;
    private long _shownUpTo;

    public int Capacity => capacity;

    public int Count => _lines.Count;

    public bool Paused { get; private set; }

    /// <summary>Lines that arrived since the pause (0 when not paused).</summary>
    public int NewWhilePaused => Paused ? (int)(_last - _shownUpTo) : 0;

    public void Add(IEnumerable<WorkloadLogEntry> entries)
    {
        foreach (var entry in entries)
        {
            _lines.Enqueue(new Line(++_last, entry));
        }

        while (_lines.Count > capacity)
        {
            _lines.Dequeue();
        }
    }

    public void Pause()
    {
        Paused = true;
        _shownUpTo = _last;
    }

    public void Resume() => Paused = false;

    /// <summary>The lines to show: all (up to the pause) whose text contains <paramref name="filter"/>, ignoring case.</summary>
    public IEnumerable<Line> Visible(string? filter) => _lines.Where(l =>
        (!Paused || l.Seq <= _shownUpTo)
        && (string.IsNullOrEmpty(filter) || l.Entry.Text.Contains(filter, StringComparison.OrdinalIgnoreCase)));

    /// <summary>A kept line and its arrival number (the render key, and what a pause compares against).</summary>
    public sealed record Line(long Seq, WorkloadLogEntry Entry);
}
