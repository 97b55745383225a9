using System.Security.Cryptography;
using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;

namespace GoForge.Core.GitProviders;

/// <summary>What an application's Webhooks panel shows.</summary>
public sealed record WebhookOverview(bool HasSecret, DateTimeOffset? SecretCreatedAt, IReadOnlyList<WebhookDelivery> Deliveries);

/// <summary>An application's webhook secret and its deliveries, as people see them: viewers see deliveries; maintainers see and replace the secret.</summary>
public sealed class WebhookService(
    IWebhookRepository webhooks,
    ApplicationService applications,
    IAuditLog audit,
    TimeProvider time)
{
    /// <summary>Deliveries the panel lists.</summary>
    public const int ListedDeliveries = 25;

    public async Task<Result<WebhookOverview>> GetAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var created = await webhooks.GetSecretCreatedAtAsync(applicationId, ct);
        return new WebhookOverview(created is not null, created, await webhooks.ListRecentAsync(applicationId, ListedDeliveries, ct));
    }

    public async Task<Result<IReadOnlyList<WebhookDelivery>>> ListDeliveriesAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        return app.IsSuccess ? Result<IReadOnlyList<WebhookDelivery>>.Ok(await webhooks.ListRecentAsync(applicationId, ListedDeliveries, ct)) : app.Error;
    }

    /// <summary>The secret, to paste into the Git host's webhook form; maintainers only, audited.</summary>
    public async Task<Result<string>> RevealSecretAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var secret = await webhooks.GetSecretAsync(applicationId, ct);
        if (secret is null)
        {
            return Error.NotFound("This application has no webhook secret yet.");
        }

        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.WebhookSecretRevealed, $"application:{app.Value.Slug}", ct: ct);
        return secret;
    }

    /// <summary>Makes a new secret (the first, or one replacing the old, which stops verifying at once) and returns it.</summary>
    public async Task<Result<string>> RegenerateSecretAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var secret = NewSecret();
        var replaced = await webhooks.GetSecretCreatedAtAsync(applicationId, ct) is not null;
        await webhooks.SetSecretAsync(applicationId, secret, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.WebhookSecretSet, $"application:{app.Value.Slug}", replaced ? "replaced" : "created", ct);
        return secret;
    }

    /// <summary>256 bits from the system's cryptographic generator, as 64 hex characters (every provider's form accepts them).</summary>
    internal static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
