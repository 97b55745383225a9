using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.GitHub;

/// <summary>The GitHub settings as the Settings page shows them: everything but the secret, which is only said to exist.</summary>
public sealed record GitHubSettingsView(
    bool Enabled, string ClientId, bool HasClientSecret, Uri BaseUrl, Uri ApiUrl, bool AllowSignUp, GitHubSettingsOrigin Origin, DateTimeOffset? UpdatedAt);

/// <param name="NewClientSecret">A replacement secret; blank keeps the one in effect.</param>
public sealed record GitHubSettingsInput(bool Enabled, string? ClientId, string? NewClientSecret, string? BaseUrl, string? ApiUrl, bool AllowSignUp);

/// <summary>What administrators do to the GitHub settings. Every method checks the actor is an admin.</summary>
public sealed class GitHubSettingsAdministration(
    GitHubSettingsProvider provider,
    IGitHubSettingsRepository repository,
    IAuditLog audit,
    TimeProvider time)
{
    private static readonly Error NotAdmin = Error.Forbidden("Only administrators change the GitHub settings.");

    public async Task<Result<GitHubSettingsView>> GetAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor.IsAdmin ? ToView(await provider.GetAsync(ct)) : NotAdmin;
    }

    /// <summary>Saves the settings in the database (they win over configuration from now on) and applies them at once.</summary>
    public async Task<Result<GitHubSettingsView>> SaveAsync(Actor actor, GitHubSettingsInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var current = await provider.GetAsync(ct);
        var newSecret = input.NewClientSecret?.Trim();
        var baseUrl = GitHubSettingsRules.ParseUrl(input.BaseUrl);
        var apiUrl = GitHubSettingsRules.ParseUrl(input.ApiUrl);
        var settings = new GitHubSettings
        {
            Enabled = input.Enabled,
            ClientId = input.ClientId?.Trim() ?? string.Empty,
            ClientSecret = string.IsNullOrEmpty(newSecret) ? current.ClientSecret : newSecret,
            BaseUrl = baseUrl ?? GitHubSettings.DefaultBaseUrl,
            ApiUrl = apiUrl ?? GitHubSettings.DefaultApiUrl,
            AllowSignUp = input.AllowSignUp,
            Origin = GitHubSettingsOrigin.Panel,
        };

        var errors = new FieldErrors();
        foreach (var problem in GitHubSettingsRules.Validate(settings))
        {
            // A blank secret means "keep": its message belongs to the replacement field the form shows.
            errors.Add(problem.Field == "ClientSecret" ? nameof(GitHubSettingsInput.NewClientSecret) : problem.Field, problem.Message);
        }

        if (baseUrl is null)
        {
            errors.Add(nameof(GitHubSettingsInput.BaseUrl), "The GitHub address must be an absolute http(s) address, such as https://github.com.");
        }

        if (apiUrl is null)
        {
            errors.Add(nameof(GitHubSettingsInput.ApiUrl), "The API address must be an absolute http(s) address, such as https://api.github.com.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        await repository.SaveAsync(settings, actor.UserId, time.GetUtcNow(), ct);
        var saved = await provider.ReloadAsync(ct);
        var secret = string.IsNullOrEmpty(newSecret) ? "secret kept" : "secret replaced";
        await audit.RecordAsync(time, actor, AuditActions.GitHubSettingsUpdated, "settings:github",
            $"{(saved.Enabled ? "enabled" : "disabled")}, sign-up {(saved.AllowSignUp ? "open" : "closed")}, client id {saved.ClientId}, {secret}, {saved.BaseUrl} / {saved.ApiUrl}", ct);
        return ToView(saved);
    }

    /// <summary>Forgets the saved settings: configuration (<c>GoForge:GitHub</c>) applies again, at once.</summary>
    public async Task<Result<GitHubSettingsView>> ResetToConfigurationAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        if (await repository.DeleteAsync(ct))
        {
            await audit.RecordAsync(time, actor, AuditActions.GitHubSettingsReset, "settings:github", "configuration applies", ct);
        }

        return ToView(await provider.ReloadAsync(ct));
    }

    private static GitHubSettingsView ToView(GitHubSettings s) =>
        new(s.Enabled, s.ClientId, s.ClientSecret.Length > 0, s.BaseUrl, s.ApiUrl, s.AllowSignUp, s.Origin, s.UpdatedAt);
}
