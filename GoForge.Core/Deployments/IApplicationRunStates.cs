namespace GoForge.Core.Deployments;

/// <summary>What the user wants an application's container to do (docs/deployments/apply-and-stop.md).</summary>
public enum ApplicationRunState
{
    /// <summary>Serve: deployments, the reconciler and Start keep its container running.</summary>
    Running,

    /// <summary>Stopped by a user: its container stays stopped (the reconciler too leaves it so) and its route answers 503.</summary>
    Stopped,
}

/// <summary>The desired run state stored on the application (migration 0018).</summary>
public interface IApplicationRunStates
{
    /// <summary>The application's run state; <see cref="ApplicationRunState.Running"/> for one that does not exist.</summary>
    Task<ApplicationRunState> GetAsync(Guid applicationId, CancellationToken ct = default);

    Task SetAsync(Guid applicationId, ApplicationRunState state, CancellationToken ct = default);

    /// <summary>Every application a user stopped.</summary>
    Task<IReadOnlySet<Guid>> ListStoppedAsync(CancellationToken ct = default);
}
