namespace GoForge.Core.Monitoring;

/// <summary>A bounded history: the newest <see cref="Capacity"/> items, oldest first. Thread-safe; one lock, no allocation per add.</summary>
public sealed class MetricRing<T>
{
    private readonly T[] _items;
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public MetricRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    public int Capacity => _items.Length;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public void Add(T item)
    {
        lock (_lock)
        {
            _items[_next] = item;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
        }
    }

    /// <summary>A copy, oldest first.</summary>
    public T[] Snapshot()
    {
        lock (_lock)
        {
            var copy = new T[_count];
            var start = (_next - _count + _items.Length) % _items.Length;
            for (var i = 0; i < _count; i++)
            {
                copy[i] = _items[(start + i) % _items.Length];
            }

            return copy;
        }
    }
}
