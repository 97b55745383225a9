using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.TwoFactor;

/// <summary>Who must use two-factor sign-in: read by the sign-in, changed by administrators on the Settings page.</summary>
public sealed class TwoFactorPolicyService(ITwoFactorPolicyRepository policies, IAuditLog audit, TimeProvider time)
{
    /// <summary>The policy in effect (none required until an administrator saves one).</summary>
    public async Task<TwoFactorPolicy> GetAsync(CancellationToken ct = default) =>
        await policies.GetAsync(ct) ?? TwoFactorPolicy.Default;

    public async Task<Result<TwoFactorPolicy>> GetAsync(Actor actor, CancellationToken ct = default) =>
        !IsAdministrator(actor) ? Error.Forbidden("Only administrators can see the two-factor policy.") : await GetAsync(ct);

    public async Task<Result> SaveAsync(Actor actor, TwoFactorPolicy policy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IsAdministrator(actor))
        {
            return Error.Forbidden("Only administrators can change the two-factor policy.");
        }

        var before = await GetAsync(ct);
        await policies.SaveAsync(policy, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, AuditActions.TwoFactorPolicyChanged, "settings:two-factor",
            $"before: {Describe(before)}; after: {Describe(policy)}", ct);
        return Result.Success;
    }

    // A project-restricted token reaches one project, never installation settings, even an administrator's.
    private static bool IsAdministrator(Actor actor) => actor.IsAdmin && actor.ProjectRestriction is null;

    private static string Describe(TwoFactorPolicy p) =>
        $"admins {(p.RequireForAdmins ? "required" : "optional")}, everyone {(p.RequireForEveryone ? "required" : "optional")}, after GitHub {(p.RequireAfterGitHub ? "required" : "not required")}";
}
