namespace GoForge.Core.Projects;

/// <summary>A domain with the names of its holder, for administrators.</summary>
public sealed record DomainHolding(DomainHolder Holder, string ProjectName, string WorkloadName);

/// <summary>Reads who holds which domains (the saving repositories decide ownership themselves, under a lock).</summary>
public interface IDomainHolderRepository
{
    /// <summary>The applications' and services' domains on these exact hosts.</summary>
    Task<IReadOnlyList<DomainHolder>> ListByHostsAsync(IReadOnlyCollection<string> hosts, CancellationToken ct = default);

    /// <summary>Every domain of every project, by host and path.</summary>
    Task<IReadOnlyList<DomainHolding>> ListAllAsync(CancellationToken ct = default);
}
