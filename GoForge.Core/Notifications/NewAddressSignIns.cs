using GoForge.Core.Identity;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Notifications;

/// <summary>
/// Remembers where each administrator signs in from and publishes <see cref="NotificationKind.AdminSignInFromNewAddress"/>
/// (panel-wide: admin channels only) for an address not seen before. An admin's first sign-in ever sets the first known address.
/// </summary>
public sealed class NewAddressSignIns(IKnownAddressRepository known, INotifications notifications, TimeProvider time, ILogger<NewAddressSignIns> logger) : ISignInWatch
{
    public async Task SignedInAsync(User user, string? clientAddress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Role != UserRole.Admin || string.IsNullOrWhiteSpace(clientAddress))
        {
            return;
        }

        var address = clientAddress.Trim();
        address = address.Length > 64 ? address[..64] : address;
        try
        {
            var now = time.GetUtcNow();
            if (!await known.RememberAsync(user.Id, address, now, ct))
            {
                return;
            }

            await notifications.PublishAsync(new NotificationEvent(
                NotificationKind.AdminSignInFromNewAddress,
                null,
                user.Id,
                $"Administrator {user.Login} signed in from a new address",
                $"{user.Login} signed in from {address}, an address not seen for this account before. If this was not them, disable the account and end its sessions.",
                new Dictionary<string, string>(StringComparer.Ordinal) { ["Login"] = user.Login, ["Address"] = address },
                now), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.SourceFailed(NotificationKind.AdminSignInFromNewAddress, user.Id, e);
        }
    }
}
