using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace GoForge.Core.Deployments;

/// <summary>
/// The log scope of one deployment's run: every line logged while it runs, by any logger in the process, carries
/// <c>DeploymentId</c>, <c>ApplicationId</c> and <c>CommitSha</c> (JSON console: the <c>Scopes</c> array). A deployment
/// of the branch head learns its commit only when the clone ends; the runner then fills it in through
/// <see cref="Current"/>, and the lines after it carry the commit too.
/// </summary>
public sealed class DeploymentLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<DeploymentLogScope?> Ambient = new();
    private readonly Guid _deploymentId;
    private readonly Guid _applicationId;
    private volatile string? _commitSha;

    private DeploymentLogScope(Deployment deployment)
    {
        _deploymentId = deployment.Id;
        _applicationId = deployment.ApplicationId;
        _commitSha = deployment.CommitSha;
    }

    /// <summary>The scope of the deployment running on this flow of execution, if any.</summary>
    public static DeploymentLogScope? Current => Ambient.Value;

    public int Count => 3;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("DeploymentId", _deploymentId),
        1 => new("ApplicationId", _applicationId),
        2 => new("CommitSha", _commitSha),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>Opens the scope on <paramref name="logger"/> and makes it <see cref="Current"/> until disposed.</summary>
    public static IDisposable Begin(ILogger logger, Deployment deployment)
    {
        var scope = new DeploymentLogScope(deployment);
        var logScope = logger.BeginScope(scope);
        var previous = Ambient.Value;
        Ambient.Value = scope;
        return new Closer(logScope, previous);
    }

    public void RecordCommit(string commitSha) => _commitSha = commitSha;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>What a text formatter prints for the scope.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Deployment {_deploymentId} of application {_applicationId} at {_commitSha ?? "the branch head"}");

    private sealed class Closer(IDisposable? logScope, DeploymentLogScope? previous) : IDisposable
    {
        public void Dispose()
        {
            Ambient.Value = previous;
            logScope?.Dispose();
        }
    }
}
