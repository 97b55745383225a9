using Microsoft.Extensions.Options;

namespace GoForge.Core.Identity.GitHub;

/// <summary>
/// GitHub sign-in from configuration (section <c>GoForge:GitHub</c>). Settings saved on the Settings page are kept in
/// the database and win over these; see <see cref="GitHubSettingsProvider"/>.
/// </summary>
public sealed class GitHubOptions
{
    public const string SectionName = "GoForge:GitHub";

    /// <summary>Shows "Sign in with GitHub" and accepts GitHub sign-ins. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The OAuth app's client id (GitHub → Settings → Developer settings → OAuth Apps).</summary>
    public string? ClientId { get; set; }

    /// <summary>The OAuth app's client secret. Never shown or logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>GitHub's web address (authorize and token endpoints). Default https://github.com; GitHub Enterprise: its own host.</summary>
    public Uri BaseUrl { get; set; } = GitHubSettings.DefaultBaseUrl;

    /// <summary>GitHub's REST API (<c>/user</c>, <c>/user/emails</c>). Default https://api.github.com; GitHub Enterprise: <c>https://host/api/v3</c>.</summary>
    public Uri ApiUrl { get; set; } = GitHubSettings.DefaultApiUrl;

    /// <summary>A first GitHub sign-in of someone without an account and without an invitation creates a member account. Default false.</summary>
    public bool AllowSignUp { get; set; }

    internal GitHubSettings ToSettings() => new()
    {
        Enabled = Enabled,
        ClientId = ClientId?.Trim() ?? string.Empty,
        ClientSecret = ClientSecret?.Trim() ?? string.Empty,
        BaseUrl = BaseUrl,
        ApiUrl = ApiUrl,
        AllowSignUp = AllowSignUp,
        Origin = GitHubSettingsOrigin.Configuration,
    };
}

internal sealed class GitHubOptionsValidator : IValidateOptions<GitHubOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubOptions options)
    {
        var errors = GitHubSettingsRules.Validate(options.ToSettings());
        if (errors.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(errors.Select(e => $"{GitHubOptions.SectionName}:{e.Field} {e.Clause}."));
    }
}
