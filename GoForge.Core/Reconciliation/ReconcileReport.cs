namespace GoForge.Core.Reconciliation;

/// <summary>What one pass saw and did; every action is also in the audit log.</summary>
/// <param name="ContainersSeen">Containers with GoForge's labels on the engine, of any installation.</param>
/// <param name="ContainersOurs">Of those, the ones this installation can prove are its own.</param>
/// <param name="Skipped">Applications and services left alone because work of theirs is in flight.</param>
/// <param name="Actions">One line per action, as audited.</param>
public sealed record ReconcileReport(int ContainersSeen, int ContainersOurs, int Skipped, IReadOnlyList<string> Actions, TimeSpan Elapsed)
{
    public int Count(string action) => Actions.Count(a => a.StartsWith(action + " ", StringComparison.Ordinal));
}
