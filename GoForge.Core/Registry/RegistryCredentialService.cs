using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Containers;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.Registry;

/// <summary>What a user enters for an image application's registry credential; the password is write-only.</summary>
public sealed record RegistryCredentialInput
{
    public string? Username { get; set; }

    /// <summary>The password or access token; empty on a change keeps the stored one.</summary>
    public string? Password { get; set; }
}

/// <summary>A credential as pages and the API show it: never the password.</summary>
public sealed record RegistryCredentialSummary(string Registry, string Username);

/// <summary>
/// An image application's registry credential: set, shown (without its secret) and removed. The registry is the
/// application's image's own, so a credential is only ever presented to the registry it was entered for.
/// </summary>
public sealed class RegistryCredentialService(
    IRegistryCredentialRepository credentials,
    ApplicationService applications,
    IAuditLog audit,
    TimeProvider time)
{
    public const int MaxUsernameLength = 255;

    public const int MaxPasswordLength = 4096;

    /// <summary>The credential without its password, or null; needs the view right.</summary>
    public async Task<Result<RegistryCredentialSummary?>> GetAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.GetAsync(actor, applicationId, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var stored = await credentials.GetAsync(applicationId, ct);
        return Result<RegistryCredentialSummary?>.Ok(stored is null ? null : new RegistryCredentialSummary(stored.Registry, stored.Username));
    }

    /// <summary>Sets the credential of an image application; needs the manage right.</summary>
    public async Task<Result<RegistryCredentialSummary>> SetAsync(Actor actor, Guid applicationId, RegistryCredentialInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        if (app.Value.Source != ApplicationSourceKind.Image || !ImageReference.TryParse(app.Value.ImageReference, out var reference, out _))
        {
            return Error.Validation(nameof(RegistryCredentialInput.Username), "Only an application from a registry image has registry credentials.");
        }

        var stored = await credentials.GetAsync(applicationId, ct);
        var password = string.IsNullOrEmpty(input.Password) && stored?.Registry == reference.RegistryHost ? stored.Password : input.Password;
        var errors = new FieldErrors();
        Validate(input.Username, password, errors);
        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var credential = new RegistryAuth(reference.RegistryHost, input.Username!, password!);
        await credentials.SetAsync(applicationId, credential, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.ApplicationUpdated, $"application:{app.Value.Slug}", $"registry credential for {credential.Registry}", ct);
        return new RegistryCredentialSummary(credential.Registry, credential.Username);
    }

    /// <summary>Removes the credential; needs the manage right. Removing none is no error.</summary>
    public async Task<Result> DeleteAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        if (await credentials.DeleteAsync(applicationId, ct))
        {
            await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.ApplicationUpdated, $"application:{app.Value.Slug}", "registry credential removed", ct);
        }

        return Result.Success;
    }

    /// <summary>A user name and a password: printable, bounded, no control characters (they travel in a header).</summary>
    public static void Validate(string? username, string? password, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrEmpty(username) || username.Length > MaxUsernameLength || username.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || username[0] == '-')
        {
            errors.Add(nameof(RegistryCredentialInput.Username), $"Enter the registry user name: 1 to {MaxUsernameLength} characters, no spaces or control characters.");
        }

        if (string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength || password.Any(char.IsControl))
        {
            errors.Add(nameof(RegistryCredentialInput.Password), $"Enter the password or access token: 1 to {MaxPasswordLength} characters, no control characters.");
        }
    }
}
