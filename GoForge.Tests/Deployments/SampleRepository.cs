using GoForge.Tests.Git;
using GoForge.Tests.Harness;

namespace GoForge.Tests.Deployments;

/// <summary>
/// The Git repository a deployment test deploys: a working copy and the bare repository GoForge clones
/// (<see cref="GitUrl"/>), branch <c>main</c>, with the host's static busybox so images build <c>FROM scratch</c>.
/// Each <see cref="Commit"/> pushes a new version.
/// </summary>
internal sealed class SampleRepository
{
    private readonly string _source;

    /// <param name="bareName">The bare repository's folder name under <paramref name="root"/>; its working copy is beside it.</param>
    public SampleRepository(string root, string bareName = "app.git")
    {
        _source = Path.Combine(root, bareName == "app.git" ? "src" : bareName + ".src");
        GitUrl = Path.Combine(root, bareName);
        Directory.CreateDirectory(_source);
        File.Copy(BusyboxImage.BusyboxPath, Path.Combine(_source, "busybox"), overwrite: true);
        GitCli.Run(root, "init", "-q", "--bare", "-b", "main", GitUrl);
        GitCli.Run(_source, "init", "-q", "-b", "main");
    }

    public string GitUrl { get; }

    /// <summary>Puts a symbolic link <paramref name="name"/> → <paramref name="target"/> in the working copy; the next <see cref="Commit"/> records it as a link.</summary>
    public void Link(string name, string target)
    {
        var path = Path.Combine(_source, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    /// <summary>Writes the Dockerfile and any other files, commits them as Ada and pushes; returns the commit's sha.</summary>
    public string Commit(string message, string dockerfile, IReadOnlyDictionary<string, string>? files = null)
    {
        File.WriteAllText(Path.Combine(_source, "Dockerfile"), dockerfile);
        foreach (var (name, content) in files ?? new Dictionary<string, string>())
        {
            File.WriteAllText(Path.Combine(_source, name), content);
        }

        GitCli.Run(_source, "add", "-A");
        GitCli.Run(_source, "-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-q", "--allow-empty", "-m", message);
        GitCli.Run(_source, "push", "-q", GitUrl, "main");
        return GitCli.Run(_source, "rev-parse", "HEAD");
    }

    /// <summary>
    /// Commits the Dockerfile and files on <paramref name="branch"/> (made from main the first time) and pushes that
    /// branch, like a pull request's head; the working copy is back on main afterwards. Returns the commit's sha.
    /// </summary>
    public string CommitOnBranch(string branch, string message, string dockerfile, IReadOnlyDictionary<string, string>? files = null)
    {
        if (GitCli.Run(_source, "branch", "--list", branch).Length > 0)
        {
            GitCli.Run(_source, "checkout", "-q", branch);
        }
        else
        {
            GitCli.Run(_source, "checkout", "-q", "-b", branch);
        }

        try
        {
            File.WriteAllText(Path.Combine(_source, "Dockerfile"), dockerfile);
            foreach (var (name, content) in files ?? new Dictionary<string, string>())
            {
                File.WriteAllText(Path.Combine(_source, name), content);
            }

            GitCli.Run(_source, "add", "-A");
            GitCli.Run(_source, "-c", "user.name=Grace", "-c", "user.email=grace@example.com", "commit", "-q", "--allow-empty", "-m", message);
            GitCli.Run(_source, "push", "-q", GitUrl, branch);
            return GitCli.Run(_source, "rev-parse", "HEAD");
        }
        finally
        {
            GitCli.Run(_source, "checkout", "-q", "main");
        }
    }
}

/// <summary>Dockerfiles for deployment tests; <c>nonce</c> makes a step's cache key unique, so it really runs and prints.</summary>
internal static class SampleDockerfiles
{
    /// <summary>
    /// Serves <c>index.html</c> from the repository on 8080; the build prints the build-time TOKEN. The shell stays
    /// PID 1 and exits on SIGTERM (a bare httpd as PID 1 ignores it, so every stop would wait for the engine's kill).
    /// </summary>
    public static string ServesIndex(string nonce) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN --mount=type=secret,id=TOKEN ["/bin/sh", "-c", "echo build {{nonce}} sees token=$(cat /run/secrets/TOKEN 2>/dev/null)"]
        COPY index.html /www/index.html
        CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
        """;

    /// <summary>A build step that prints <see cref="SlowStepLine"/> and then sleeps a minute: a build to cancel or interrupt.</summary>
    public static string SlowBuild(string nonce) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN ["/bin/sh", "-c", "echo {{SlowStepLine(nonce)}} && sleep 60; echo {{SlowStepLine(nonce)}} ends"]
        COPY index.html /www/index.html
        CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
        """;

    /// <summary>Prints the TOKEN at build time and at run time, then exits: a deployment that never gets healthy.</summary>
    public static string PrintsTokenAndExits(string nonce) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN --mount=type=secret,id=TOKEN ["/bin/sh", "-c", "echo build {{nonce}} sees token=$(cat /run/secrets/TOKEN 2>/dev/null)"]
        CMD ["/bin/sh", "-c", "echo runtime {{nonce}} sees token=$TOKEN; exit 3"]
        """;

    /// <summary>
    /// A build step that prints <c>gate {nonce} before</c>, then tries <paramref name="gateUrl"/> until it answers,
    /// printing <c>gate {nonce} waiting N</c> after each refused try, then <c>gate {nonce} after</c>: a build the test
    /// holds at a point of its choosing. Serves <c>index.html</c> on 8080 like <see cref="ServesIndex"/>.
    /// </summary>
    public static string WaitsAtGate(string nonce, string gateUrl) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN ["/bin/sh", "-c", "echo gate {{nonce}} before; i=0; until wget -q -O /dev/null {{gateUrl}}; do i=$((i+1)); echo gate {{nonce}} waiting $i; sleep 0.2; done; echo gate {{nonce}} after"]
        COPY index.html /www/index.html
        CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
        """;

    public static string SlowStepLine(string nonce) => $"slow step {nonce} begins";

    /// <summary>Where <see cref="ServesIndexWithHealth"/> answers its health check.</summary>
    public const string HealthPath = "/health";

    /// <summary>A run-time variable that keeps <see cref="ServesIndexWithHealth"/> from ever answering <see cref="HealthPath"/>.</summary>
    public const string HoldHealthVariable = "HOLD_HEALTH";

    /// <summary>
    /// Serves <c>index.html</c> on 8080 and <see cref="HealthPath"/> from its start, unless it runs with
    /// <see cref="HoldHealthVariable"/> set: then it serves but is never healthy, so its deployment waits in Deploying
    /// (an application variable, so a rollback to an image that was healthy waits too). With
    /// <paramref name="slowStepNonce"/>, a build step prints <see cref="SlowStepLine"/> and sleeps ten minutes.
    /// </summary>
    public static string ServesIndexWithHealth(string? slowStepNonce = null) => $$"""
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        {{(slowStepNonce is null ? "" : $"RUN [\"/bin/sh\", \"-c\", \"echo {SlowStepLine(slowStepNonce)} && sleep 600\"]")}}
        COPY index.html /www/index.html
        CMD ["/bin/sh", "-c", "trap 'exit 0' TERM; [ -z $HOLD_HEALTH ] && echo ok > /www/health; httpd -f -p 8080 -h /www & wait"]
        """;
}
