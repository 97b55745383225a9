using GoForge.Core.GitProviders;

namespace GoForge.Core.Previews;

/// <summary>Where a pull request's preview is (docs/decisions/previews.md).</summary>
public enum PreviewState
{
    /// <summary>A fork's head commit that no maintainer approved: nothing is built.</summary>
    AwaitingApproval,

    /// <summary>Same repository, or the head commit is approved: waits for the deployer.</summary>
    Queued,

    /// <summary>Would be queued, but the application has its maximum of previews: waits until one closes.</summary>
    LimitReached,

    /// <summary>The preview's container serves its head commit.</summary>
    Running,

    /// <summary>The last deployment of the preview failed.</summary>
    Failed,

    /// <summary>The pull request was closed or merged, the preview deleted, or idle too long: torn down.</summary>
    Closed,
}

/// <summary>An application's preview deployment settings; off until a maintainer turns them on.</summary>
public sealed record PreviewSettings
{
    public required Guid ApplicationId { get; init; }

    /// <summary>"Deploy pull requests".</summary>
    public required bool Enabled { get; init; }

    /// <summary>The host of preview number N: the pattern with <c>{number}</c> replaced, e.g. <c>pr-{number}.preview.example.com</c>.</summary>
    public required string DomainPattern { get; init; }

    /// <summary>At most this many previews are queued or running at once; more wait as <see cref="PreviewState.LimitReached"/>.</summary>
    public required int MaxConcurrent { get; init; }

    /// <summary>A preview without activity for longer than this is torn down.</summary>
    public required int IdleDays { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The settings of an application that never saved any: off.</summary>
    public static PreviewSettings Off(Guid applicationId) => new()
    {
        ApplicationId = applicationId,
        Enabled = false,
        DomainPattern = string.Empty,
        MaxConcurrent = PreviewLimits.DefaultMaxConcurrent,
        IdleDays = PreviewLimits.DefaultIdleDays,
        UpdatedAt = DateTimeOffset.MinValue,
    };
}

/// <summary>What a maintainer submits on the settings card or through the API.</summary>
public sealed record PreviewSettingsInput
{
    public bool Enabled { get; set; }

    public string? DomainPattern { get; set; }

    public int? MaxConcurrent { get; set; } = PreviewLimits.DefaultMaxConcurrent;

    public int? IdleDays { get; set; } = PreviewLimits.DefaultIdleDays;
}

public static class PreviewLimits
{
    public const int DefaultMaxConcurrent = 3;
    public const int MaxConcurrentCeiling = 50;
    public const int DefaultIdleDays = 7;
    public const int IdleDaysCeiling = 365;
}

/// <summary>One pull request's preview of one application (unique per application, provider and number).</summary>
public sealed record Preview
{
    public required Guid Id { get; init; }

    public required Guid ApplicationId { get; init; }

    public required WebhookProvider Provider { get; init; }

    public required int Number { get; init; }

    public required string Title { get; init; }

    public required string Author { get; init; }

    /// <summary>The repository the head commit comes from (a web or clone URL as the payload gave it).</summary>
    public required string HeadRepository { get; init; }

    public string? HeadRef { get; init; }

    public required string HeadCommit { get; init; }

    /// <summary>The head repository is not the application's: it never builds before a maintainer approves its exact head commit.</summary>
    public required bool IsFork { get; init; }

    public required PreviewState State { get; init; }

    /// <summary>The head commit a maintainer approved; a new push makes it differ from <see cref="HeadCommit"/>, so the preview waits again.</summary>
    public string? ApprovedCommit { get; init; }

    public Guid? ApprovedBy { get; init; }

    /// <summary>Why it is in its state, in words.</summary>
    public string? Reason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset LastActivityAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>True while it holds one of the application's preview places (queued or running).</summary>
    public bool HoldsPlace => State is PreviewState.Queued or PreviewState.Running;

    public bool IsApproved => ApprovedCommit is not null && string.Equals(ApprovedCommit, HeadCommit, StringComparison.Ordinal);
}
