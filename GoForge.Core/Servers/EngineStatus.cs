namespace GoForge.Core.Servers;

/// <summary>What the panel knows about the container engine it drives.</summary>
public sealed record EngineStatus
{
    public required bool Reachable { get; init; }

    public required string Endpoint { get; init; }

    public string? Version { get; init; }

    public string? ApiVersion { get; init; }

    public string? OperatingSystem { get; init; }

    public int? ContainersRunning { get; init; }

    public int? Images { get; init; }

    /// <summary>The engine's own error message when it could not be reached.</summary>
    public string? Error { get; init; }
}

/// <summary>Asks the container engine whether it answers, and what it is.</summary>
public interface IEngineStatusProbe
{
    Task<EngineStatus> GetStatusAsync(CancellationToken ct = default);
}
