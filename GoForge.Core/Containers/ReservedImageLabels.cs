namespace GoForge.Core.Containers;

/// <summary>
/// Image labels GoForge refuses to run. A container inherits every label of its image, and GoForge and the proxies
/// read container labels: a Dockerfile's <c>LABEL traefik.http.routers.x.rule=Host(`victim.example`)</c> would route
/// another project's host to it, and a <c>goforge.*</c> label could make GoForge take the container for another
/// owner's. The namespaces: <c>goforge.</c> (GoForge's own), <c>traefik</c> / <c>traefik.</c> (Traefik's Docker
/// provider), <c>caddy</c>, <c>caddy.</c>, <c>caddy_N</c> and <c>caddy_N.</c> (caddy-docker-proxy). Compared
/// case-insensitively.
/// </summary>
public static class ReservedImageLabels
{
    /// <summary>The labels GoForge itself puts on every image it builds; accepted on the image of that same application only.</summary>
    public static readonly IReadOnlySet<string> BuildLabels = new HashSet<string>(StringComparer.Ordinal)
    {
        GoForgeLabels.App, GoForgeLabels.Deployment, GoForgeLabels.Commit,
    };

    /// <summary>Whether <paramref name="key"/> is in a namespace GoForge or a proxy reads.</summary>
    public static bool IsReserved(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("goforge.", StringComparison.OrdinalIgnoreCase)
            || key.Equals("traefik", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("traefik.", StringComparison.OrdinalIgnoreCase)
            || key.Equals("caddy", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("caddy.", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // caddy-docker-proxy's numbered blocks: caddy_0, caddy_1.reverse_proxy, ...
        if (!key.StartsWith("caddy_", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = key.AsSpan("caddy_".Length);
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
        {
            digits++;
        }

        return digits > 0 && (digits == rest.Length || rest[digits] == '.');
    }

    /// <summary>
    /// The first label (in ordinal order) of <paramref name="imageLabels"/> that the container must not inherit, or null.
    /// GoForge's <see cref="BuildLabels"/> pass only when the container is the same application's: its own
    /// <c>goforge.app</c> label holds the image's value (then the container's labels override them anyway).
    /// </summary>
    public static string? FindRefused(IReadOnlyDictionary<string, string>? imageLabels, IReadOnlyDictionary<string, string> containerLabels)
    {
        ArgumentNullException.ThrowIfNull(containerLabels);
        if (imageLabels is null)
        {
            return null;
        }

        var ownBuild = imageLabels.TryGetValue(GoForgeLabels.App, out var imageApp)
            && containerLabels.TryGetValue(GoForgeLabels.App, out var containerApp)
            && string.Equals(imageApp, containerApp, StringComparison.Ordinal);
        return imageLabels.Keys
            .Where(key => IsReserved(key) && !(ownBuild && BuildLabels.Contains(key)))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>The deployment's failure message for <paramref name="key"/>; the label's value is not repeated.</summary>
    public static string Message(string key) =>
        $"The image carries the label '{key}', in a namespace reserved for GoForge or a proxy (goforge., traefik., caddy): "
        + "GoForge does not run it. Remove the label from the Dockerfile or choose a base image without it.";
}
