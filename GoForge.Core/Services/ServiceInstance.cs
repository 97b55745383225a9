namespace GoForge.Core.Services;

/// <summary>Where a service instance is in its life; the reason on the instance says why it got there.</summary>
public enum ServiceState
{
    Creating,
    Pulling,
    Starting,
    Running,
    Stopped,
    Failed,
}

/// <summary>
/// A container run from a catalog template in one environment. Its inputs (generated credentials) are not part of
/// it: they are stored encrypted and read only through <see cref="ServiceInstanceService.RevealAsync"/>.
/// </summary>
public sealed record ServiceInstance
{
    public required Guid Id { get; init; }

    public required Guid ProjectId { get; init; }

    public required Guid EnvironmentId { get; init; }

    public required string TemplateId { get; init; }

    public required string Version { get; init; }

    public required string Name { get; init; }

    /// <summary>Unique in the environment; also the internal host name other containers of the environment reach it by.</summary>
    public required string Slug { get; init; }

    public required ServiceState State { get; init; }

    /// <summary>Why the last action ended as it did ("image pulled, healthy", "pull failed: …").</summary>
    public string? Reason { get; init; }

    public string? ContainerId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The host name other containers on the environment's network use.</summary>
    public string Host => Slug;
}

/// <summary>What a user enters to create a service; <see cref="Inputs"/> come from PreviewAsync and may be edited.</summary>
public sealed record ServiceInstanceInput
{
    public string? TemplateId { get; set; }

    /// <summary>A version the template offers; null for its default.</summary>
    public string? Version { get; set; }

    public string? Name { get; set; }

    public IReadOnlyDictionary<string, string> Inputs { get; set; } = new Dictionary<string, string>();

    /// <summary>The domain for templates with <c>http</c> (what <c>{{domain}}</c> renders to); a service with one is routed through the proxy.</summary>
    public string? Domain { get; set; }
}

/// <summary>How other apps in the environment reach the service, with secret outputs masked (null).</summary>
public sealed record ServiceConnection(string Host, int Port, IReadOnlyList<ServiceOutputValue> Outputs);

public sealed record ServiceOutputValue(string Name, string Label, string? Value, bool Secret);

/// <summary>A service's credentials (its inputs) and outputs with every value, for a user allowed to reveal secrets.</summary>
public sealed record ServiceSecrets(IReadOnlyDictionary<string, string> Inputs, IReadOnlyList<ServiceOutputValue> Outputs);
