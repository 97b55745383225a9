namespace GoForge.Core.Identity;

/// <summary>
/// Told of every session opened (password or GitHub sign-in), after it is recorded. A port: what watches sign-ins
/// (the new-address notice of Notifications) sits above Identity. Implementations never throw at the sign-in.
/// </summary>
public interface ISignInWatch
{
    Task SignedInAsync(User user, string? clientAddress, CancellationToken ct = default);
}
