namespace GoForge.Core.Containers;

/// <summary>
/// The names GoForge gives what it creates on the engine. Each starts with the owner's id (a GUID, 32 hex digits), so
/// two owners can never share a name, whatever their slugs; a readable slug may follow the id but never decides
/// uniqueness. Networks and volumes carry no slug at all, so renaming never changes them. Container names stay within
/// 63 characters: they are DNS names on the engine's networks (docs/deployments/naming.md).
/// </summary>
public static class EngineNames
{
    /// <summary>A DNS label's limit, which a container name (resolvable on its networks) keeps.</summary>
    public const int MaxContainerName = 63;

    /// <summary>The environment's bridge network: <c>goforge-env-&lt;environment id&gt;</c>.</summary>
    public static string EnvironmentNetwork(Guid environmentId) => $"goforge-env-{environmentId:N}";

    /// <summary>A deployment's container: <c>goforge-app-&lt;deployment id&gt;-&lt;app slug, cut&gt;</c>.</summary>
    public static string AppContainer(Guid deploymentId, string appSlug) => Readable($"goforge-app-{deploymentId:N}", appSlug);

    /// <summary>A service's container: <c>goforge-svc-&lt;service id&gt;-&lt;service slug, cut&gt;</c>.</summary>
    public static string ServiceContainer(Guid serviceId, string serviceSlug) => Readable($"goforge-svc-{serviceId:N}", serviceSlug);

    /// <summary>
    /// A service's named volume: <c>goforge-vol-&lt;service id&gt;-&lt;template volume&gt;</c>. Never cut (template volume
    /// names are at most 32 characters), so two volumes of one service stay apart.
    /// </summary>
    public static string ServiceVolume(Guid serviceId, string volume) => $"goforge-vol-{serviceId:N}-{volume}";

    /// <summary>
    /// An application's named volume: <c>goforge-appvol-&lt;volume id&gt;-&lt;volume name&gt;</c>. The id is the volume row's, so
    /// a volume deleted and added again under the same name is a new, empty one. Never cut (names are at most 32 characters).
    /// </summary>
    public static string AppVolume(Guid volumeId, string volume) => $"goforge-appvol-{volumeId:N}-{volume}";

    /// <summary>
    /// A compose application's service container of one deployment: <c>goforge-app-&lt;deployment id&gt;-&lt;index&gt;-&lt;service, cut&gt;</c>.
    /// The deployment id keeps deployments and applications apart; the service's index in the file's start order keeps one
    /// deployment's services apart, so cutting a long service name never makes two names alike. Other services reach it
    /// by its service name, a network alias, not by this name.
    /// </summary>
    public static string ComposeContainer(Guid deploymentId, int index, string service) => Readable($"goforge-app-{deploymentId:N}-{index}", service);

    /// <summary>A compose application's named volume: <c>goforge-cvol-&lt;application id&gt;-&lt;compose volume name&gt;</c>.</summary>
    public static string ComposeVolume(Guid applicationId, string volume) => $"goforge-cvol-{applicationId:N}-{volume}";

    /// <summary>
    /// A compose application's own bridge network, where its services answer to their service names:
    /// <c>goforge-cnet-&lt;application id&gt;</c> (docs/deployments/compose.md).
    /// </summary>
    public static string ComposeNetwork(Guid applicationId) => $"goforge-cnet-{applicationId:N}";

    /// <summary>
    /// A pull request preview's container (docs/decisions/previews.md): <c>goforge-pr-&lt;deployment id&gt;-&lt;number&gt;</c>. The
    /// deployment's id keeps previews of two applications, two pull requests and two pushes of one (start-first) apart;
    /// the number is for people reading <c>docker ps</c>; the owner is in the <c>goforge.preview</c> label.
    /// </summary>
    public static string PreviewContainer(Guid deploymentId, int number) => Readable($"goforge-pr-{deploymentId:N}", number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// An application's Swarm service: <c>goforge-swarm-&lt;application id&gt;-&lt;app slug, cut&gt;</c>. Per application, not per
    /// deployment: a deployment updates the one service. Not <c>goforge-svc-</c>: the engine names the task containers
    /// <c>&lt;service&gt;.&lt;slot&gt;.&lt;task id&gt;</c>, which must not read as a catalog service's container.
    /// </summary>
    public static string SwarmService(Guid applicationId, string appSlug) => Readable($"goforge-swarm-{applicationId:N}", appSlug);

    /// <summary>The environment's overlay network in a Swarm: <c>goforge-ovl-&lt;environment id&gt;</c> (beside its bridge, never the same name).</summary>
    public static string SwarmNetwork(Guid environmentId) => $"goforge-ovl-{environmentId:N}";

    /// <summary>The names GoForge used before issue 17: slugs joined with hyphens, which collide (only read by the migration).</summary>
    public static class Legacy
    {
        public static string EnvironmentNetwork(string projectSlug, string environmentSlug) => $"goforge-{projectSlug}-{environmentSlug}";

        public static string ServiceVolume(string projectSlug, string environmentSlug, string serviceSlug, string volume) =>
            $"goforge-{projectSlug}-{environmentSlug}-{serviceSlug}-{volume}";
    }

    private static string Readable(string idPart, string slug)
    {
        var name = $"{idPart}-{slug}";
        return name.Length <= MaxContainerName ? name : name[..MaxContainerName].TrimEnd('-', '.', '_');
    }
}
