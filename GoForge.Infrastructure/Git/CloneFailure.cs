namespace GoForge.Infrastructure.Git;

/// <summary>
/// Why a clone's transport gave up, in words for the user (a refused key or token, a host key mismatch), written by
/// the callbacks and transports that know it. libgit2 only hands back its own wrapping of the callback's error, so the
/// adapter reports this instead; and a failure with a reason is never retried as a refused shallow fetch.
/// </summary>
internal sealed class CloneFailure
{
    public string? Reason { get; private set; }

    /// <summary>Keeps the first reason: what libgit2 reports after it is a consequence. Never pass key material.</summary>
    public void Record(string reason) => Reason ??= reason;
}
