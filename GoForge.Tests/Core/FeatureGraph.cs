namespace GoForge.Tests.Core;

/// <summary>
/// The dependency graph between an assembly's feature namespaces (<c>Root.Feature</c>; nested namespaces fold into
/// their feature), computed from compiled type references. Each edge keeps one example pair of types as evidence.
/// </summary>
public sealed class FeatureGraph
{
    private readonly Dictionary<string, Dictionary<string, (TypeName From, TypeName To)>> _edges = new(StringComparer.Ordinal);

    private FeatureGraph()
    {
    }

    public IEnumerable<string> Features => _edges.Keys.Order(StringComparer.Ordinal);

    public static FeatureGraph Build(IReadOnlyDictionary<TypeName, IReadOnlySet<TypeName>> references, string root)
    {
        var graph = new FeatureGraph();
        foreach (var (type, used) in references.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
        {
            if (FeatureOf(type, root) is not { } from)
            {
                continue;
            }

            var targets = graph.EdgesFrom(from);
            foreach (var target in used.OrderBy(t => t.ToString(), StringComparer.Ordinal))
            {
                if (target.Assembly == type.Assembly && FeatureOf(target, root) is { } to && to != from)
                {
                    targets.TryAdd(to, (type, target));
                }
            }
        }

        return graph;
    }

    /// <summary>Adds an edge by hand (for testing the cycle search itself).</summary>
    public void Add(string from, string to, TypeName fromType, TypeName toType)
    {
        EdgesFrom(to);
        EdgesFrom(from).TryAdd(to, (fromType, toType));
    }

    public IEnumerable<string> DependenciesOf(string feature) =>
        _edges.TryGetValue(feature, out var targets) ? targets.Keys.Order(StringComparer.Ordinal) : [];

    /// <summary>
    /// The graph as docs/architecture.md shows it, one line per feature (<c>A → B, C</c>: A uses B and C), the most
    /// depended-on first (by the length of the longest path below each, then by name), leaving out
    /// <paramref name="omitted"/> (features nearly everything uses). Only for an acyclic graph.
    /// </summary>
    public string Describe(IReadOnlySet<string> omitted)
    {
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(string feature) => depths.TryGetValue(feature, out var known)
            ? known
            : depths[feature] = DependenciesOf(feature).Where(d => !omitted.Contains(d)).Select(d => Depth(d) + 1).DefaultIfEmpty(0).Max();
        var shown = Features.Where(f => !omitted.Contains(f)).ToList();
        var width = shown.Max(f => f.Length) + 1;
        var lines = shown
            .OrderBy(Depth)
            .ThenBy(f => f, StringComparer.Ordinal)
            .Select(f => (f.PadRight(width) + "→ " + string.Join(", ", DependenciesOf(f).Where(d => !omitted.Contains(d)).DefaultIfEmpty("(nothing)"))).TrimEnd());
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>
    /// Every cycle's strongly connected component (Tarjan), each described by one closed path through it with the
    /// types that make each step, e.g. <c>A → B (A.X uses B.Y) → A (B.Z uses A.W)</c>.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var index = 0;
        var indices = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLinks = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();

        void Connect(string node)
        {
            indices[node] = lowLinks[node] = index++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in DependenciesOf(node))
            {
                if (!indices.TryGetValue(next, out var nextIndex))
                {
                    Connect(next);
                    lowLinks[node] = Math.Min(lowLinks[node], lowLinks[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLinks[node] = Math.Min(lowLinks[node], nextIndex);
                }
            }

            if (lowLinks[node] == indices[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    components.Add(component);
                }
            }
        }

        foreach (var feature in Features)
        {
            if (!indices.ContainsKey(feature))
            {
                Connect(feature);
            }
        }

        return components.Select(Describe).ToList();
    }

    private string Describe(List<string> component)
    {
        // A shortest way back to the start inside the component, found breadth first.
        var members = component.ToHashSet(StringComparer.Ordinal);
        var start = component.Min(StringComparer.Ordinal)!;
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        string? closing = null;
        while (queue.Count > 0 && closing is null)
        {
            var node = queue.Dequeue();
            foreach (var next in DependenciesOf(node).Where(members.Contains))
            {
                if (next == start)
                {
                    closing = node;
                    break;
                }

                if (previous.TryAdd(next, node))
                {
                    queue.Enqueue(next);
                }
            }
        }

        var path = new List<string> { closing! };
        while (path[^1] != start)
        {
            path.Add(previous[path[^1]]);
        }

        path.Reverse();
        path.Add(start);
        var steps = path.Zip(path.Skip(1), (from, to) =>
        {
            var (fromType, toType) = _edges[from][to];
            return $"{to} ({fromType} uses {toType})";
        });
        return $"[{string.Join(", ", component.Order(StringComparer.Ordinal))}]: {start} → {string.Join(" → ", steps)}";
    }

    private Dictionary<string, (TypeName From, TypeName To)> EdgesFrom(string feature)
    {
        if (!_edges.TryGetValue(feature, out var targets))
        {
            _edges[feature] = targets = new Dictionary<string, (TypeName, TypeName)>(StringComparer.Ordinal);
        }

        return targets;
    }

    private static string? FeatureOf(TypeName type, string root)
    {
        if (!type.Namespace.StartsWith(root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = type.Namespace[(root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }
}
