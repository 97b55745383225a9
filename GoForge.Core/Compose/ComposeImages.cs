using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Containers;
using GoForge.Core.Deployments;
using GoForge.Core.Registry;

namespace GoForge.Core.Compose;

/// <summary>
/// Each service's image for a fresh compose deployment (docs/deployments/compose.md): a <c>build:</c> service through
/// the same builder as any application (BuildKit, the clone as the boundary, a cache scope per application and
/// service, build-time variables that reach the service, secrets as secrets); an <c>image:</c> service pulled (images
/// carrying reserved labels refused) and made the deployment's own tag. Build and pull output go to the deployment log
/// prefixed <c>[service] </c>.
/// </summary>
public sealed class ComposeImages(IImageBuilder builder, IRegistryImages registry, IRegistryCredentialRepository credentials, IComposeDeployments rows, TimeProvider time)
{
    /// <summary>The deployment's image tag of <paramref name="service"/>: <c>goforge/&lt;slug&gt;-&lt;service&gt;:&lt;deployment id&gt;</c>.</summary>
    public static string TagOf(string appSlug, string service, Guid deploymentId) => $"goforge/{appSlug}-{service}:{deploymentId:N}";

    /// <summary>
    /// A service's build cache scope: the application's id and a digest of the service's name, letters and digits only
    /// (64 characters, as the builder's scopes are), so each service of each application has its own cache mounts and
    /// none shares a single application's (32 characters).
    /// </summary>
    public static string CacheScopeOf(Guid applicationId, string service) =>
        applicationId.ToString("N") + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(service)))[..32];

    /// <summary>Builds or pulls every service in order; the tags by service. Throws <see cref="ComposeServiceFailure"/>.</summary>
    internal async Task<IReadOnlyDictionary<string, string>> PrepareAsync(ComposeRun run, ComposePlan plan, IReadOnlySet<string> routed, CancellationToken ct)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var services = plan.Project.Services;
        for (var i = 0; i < services.Count; i++)
        {
            await rows.SaveServiceAsync(run.Deployment.Id, new ComposeServiceRecord(services[i].Name, i, null, null, routed.Contains(services[i].Name), ComposeServiceState.Pending), ct);
        }

        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var tag = TagOf(run.App.Slug, service.Name, run.Deployment.Id);
            var record = new ComposeServiceRecord(service.Name, i, null, null, routed.Contains(service.Name), service.Build is null ? ComposeServiceState.Pulling : ComposeServiceState.Building);
            await rows.SaveServiceAsync(run.Deployment.Id, record, ct);
            var started = time.GetTimestamp();
            try
            {
                if (service.Build is { } build)
                {
                    await BuildAsync(run, plan, service, build, tag, ct);
                }
                else
                {
                    await PullAsync(run, service, service.Image!, tag, ct);
                }
            }
            catch (Exception e) when (e is EngineException or ArgumentException)
            {
                await rows.SaveServiceAsync(run.Deployment.Id, record with { State = ComposeServiceState.Failed, Reason = run.Log.Masker.Apply(e.Message) }, CancellationToken.None);
                throw new ComposeServiceFailure(service.Name, (service.Build is null ? "pull failed: " : "build failed: ") + e.Message, []);
            }

            run.Log.Write($"{ComposeLogPrefix.Of(service.Name)}{(service.Build is null ? "Pulled" : "Built")} {tag} in {time.GetElapsedTime(started).TotalSeconds.ToString("0.0##", CultureInfo.InvariantCulture)} s");
            await rows.SaveServiceAsync(run.Deployment.Id, record with { ImageTag = tag, State = ComposeServiceState.Ready }, ct);
            tags[service.Name] = tag;
        }

        return tags;
    }

    private async Task BuildAsync(ComposeRun run, ComposePlan plan, ComposeService service, ComposeBuild build, string tag, CancellationToken ct)
    {
        var context = Path.GetFullPath(Path.Combine(run.WorkDirectory, build.Context));
        var buildTime = run.Reaching(service.Name).Where(v => v.IsBuildTime).ToList();
        var args = new Dictionary<string, string>(build.Args, StringComparer.Ordinal);
        foreach (var variable in buildTime.Where(v => !v.IsSecret))
        {
            args[variable.Key] = variable.Value;
        }

        // The same labels as an application's image (the one that changes every time sorts last).
        var labels = new Dictionary<string, string>
        {
            [GoForgeLabels.App] = run.App.Id.ToString(),
            [GoForgeLabels.Deployment] = run.Deployment.Id.ToString(),
            [GoForgeLabels.Commit] = plan.CommitSha ?? "",
        };
        run.Log.Write($"{ComposeLogPrefix.Of(service.Name)}Building {build.Context} ({build.Dockerfile}{(build.Target is null ? "" : ", target " + build.Target)})");
        await builder.BuildAsync(new ImageBuildRequest(context, build.Dockerfile, tag, args, labels)
        {
            RepositoryRoot = run.WorkDirectory,
            Secrets = buildTime.Where(v => v.IsSecret).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            Target = build.Target,
            CacheScope = CacheScopeOf(run.App.Id, service.Name),
        }, new ServiceLogProgress(run.Log, service.Name), ct);
    }

    private async Task PullAsync(ComposeRun run, ComposeService service, Projects.ImageReference reference, string tag, CancellationToken ct)
    {
        // The application's registry credential, only for its own registry: never sent to another.
        var auth = await credentials.GetAsync(run.App.Id, ct);
        if (auth is not null && !string.Equals(auth.Registry, reference.RegistryHost, StringComparison.OrdinalIgnoreCase))
        {
            auth = null;
        }

        if (auth is not null)
        {
            run.Log.Masker = run.Log.Masker.With(auth.Password);
        }

        run.Log.Write($"{ComposeLogPrefix.Of(service.Name)}Pulling {reference}");
        var pulled = await registry.PullAsync(reference, auth, new PullLines(run.Log, service.Name), ct);
        run.Log.Write($"{ComposeLogPrefix.Of(service.Name)}Digest {pulled.Digest}");
        await registry.AdoptAsync(pulled, tag, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GoForgeLabels.App] = run.App.Id.ToString(),
            [GoForgeLabels.Deployment] = run.Deployment.Id.ToString(),
        }, ct);
    }

    /// <summary>A pull's status lines (not its byte counts), prefixed with the service.</summary>
    private sealed class PullLines(DeploymentLog log, string service) : IProgress<ImagePullProgress>
    {
        public void Report(ImagePullProgress value)
        {
            if (value.Current is null)
            {
                log.Write(ComposeLogPrefix.Of(service) + value.Text);
            }
        }
    }
}
