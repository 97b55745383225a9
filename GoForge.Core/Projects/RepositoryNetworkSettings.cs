using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using Microsoft.Extensions.Options;

namespace GoForge.Core.Projects;

/// <summary>
/// <c>GoForge:Git</c>: the default of the setting an administrator can change on the Settings page (the saved value wins).
/// Off by default; a single-host install that clones local repositories on purpose can turn it on here.
/// </summary>
public sealed class RepositoryNetworkOptions
{
    public const string SectionName = "GoForge:Git";

    /// <summary>Allow local paths and hosts on loopback, private and link-local addresses until an administrator saves the setting.</summary>
    public bool AllowLocalAndPrivateRepositories { get; set; }
}

/// <summary>The one saved value of "Allow local and private repositories".</summary>
public sealed record RepositoryNetworkSetting(bool AllowLocalAndPrivate, DateTimeOffset UpdatedAt);

public interface IRepositoryNetworkSettingsRepository
{
    /// <summary>The saved setting, or null while no administrator has saved one.</summary>
    Task<RepositoryNetworkSetting?> GetAsync(CancellationToken ct = default);

    Task SaveAsync(bool allowLocalAndPrivate, Guid updatedBy, DateTimeOffset now, CancellationToken ct = default);
}

/// <param name="Saved">False while the configuration's default applies.</param>
public sealed record RepositoryNetworkSettingsView(bool AllowLocalAndPrivate, bool Saved, DateTimeOffset? UpdatedAt);

public sealed record RepositoryNetworkSettingsInput(bool AllowLocalAndPrivate);

/// <summary>
/// "Allow local and private repositories": read at every save of a repository URL and at every clone; changed by
/// administrators only, audited.
/// </summary>
public sealed class RepositoryNetworkSettings(
    IRepositoryNetworkSettingsRepository repository,
    IOptionsMonitor<RepositoryNetworkOptions> options,
    IAuditLog audit,
    TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators change which repositories may be cloned.");

    /// <summary>True when local paths and local, private and link-local hosts may be cloned.</summary>
    public async Task<bool> AllowsLocalAndPrivateAsync(CancellationToken ct = default) =>
        (await repository.GetAsync(ct))?.AllowLocalAndPrivate ?? options.CurrentValue.AllowLocalAndPrivateRepositories;

    public async Task<Result<RepositoryNetworkSettingsView>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.IsAdmin ? await ViewAsync(ct) : NotAdmin;
    }

    public async Task<Result<RepositoryNetworkSettingsView>> SaveAsync(Actor actor, RepositoryNetworkSettingsInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var before = await AllowsLocalAndPrivateAsync(ct);
        await repository.SaveAsync(input.AllowLocalAndPrivate, actor.UserId, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, AuditActions.RepositoryNetworkUpdated, "settings:repositories",
            $"before: {Describe(before)}; after: {Describe(input.AllowLocalAndPrivate)}", ct);
        return await ViewAsync(ct);
    }

    private static string Describe(bool allowed) => allowed ? "local and private repositories allowed" : "local and private repositories refused";

    private async Task<RepositoryNetworkSettingsView> ViewAsync(CancellationToken ct)
    {
        var saved = await repository.GetAsync(ct);
        return saved is null
            ? new RepositoryNetworkSettingsView(options.CurrentValue.AllowLocalAndPrivateRepositories, false, null)
            : new RepositoryNetworkSettingsView(saved.AllowLocalAndPrivate, true, saved.UpdatedAt);
    }
}
