using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Containers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Infrastructure.Docker.BuildKit;

/// <summary>
/// Builds with BuildKit by running the docker CLI (<see cref="BuildKitOptions.DockerCli"/>) as a child process with an
/// argument list, pointed at the configured engine. The CLI never reads the repository: the context is GoForge's own
/// checked tar (<see cref="BuildContextSource"/>) on its standard input, with the Dockerfile inside it, its cache
/// mounts scoped to the application (<see cref="CacheMountScope"/>). Secrets reach RUN steps as
/// <c>--secret id=KEY,env=VARIABLE</c> from the CLI's own environment: never a file, never an argument. Cancel kills the CLI's
/// process tree (the engine then stops the build) and removes the tag should the image have been named already.
/// Why the CLI and not the Engine API's session protocol: docs/decisions/buildkit.md.
/// </summary>
public sealed partial class BuildKitImageBuilder(
    DockerClientProvider docker,
    BuildCgroupLimits limits,
    IOptions<BuildKitOptions> options,
    ILogger<BuildKitImageBuilder> logger,
    IOptions<BuildContextOptions>? contextLimits = null,
    BuildCacheBudget? cacheBudget = null) : IImageBuilder
{
    private readonly BuildContextOptions _contextLimits = contextLimits?.Value ?? new BuildContextOptions();

    public async Task<BuiltImage> BuildAsync(ImageBuildRequest request, IProgress<string> log, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        CheckRequest(request);
        var settings = options.Value;
        Func<string, string>? rewrite = request.CacheScope is { } scope ? text => CacheMountScope.Apply(text, scope) : null;
        var (inputs, context) = await BuildContextSource.CreateAsync(request, _contextLimits, logger, rewrite, ct, forCli: true);
        await using var archive = context;
        var memoryLimit = limits.Apply(log);
        var cacheBefore = cacheBudget is null ? null : await cacheBudget.SnapshotAsync(ct);
        var work = Directory.CreateTempSubdirectory("goforge-build-");
        try
        {
            var startInfo = StartInfo(request, inputs.Dockerfile, work.FullName, settings);
            logger.BuildKitStarting(request.Tag, settings.DockerCli, request.Secrets.Count, request.Target ?? "(last stage)");
            var output = new BuildKitOutput(log);
            var exitCode = await RunAsync(startInfo, archive, output, request.Tag, ct);
            if (cacheBudget is not null && cacheBefore is not null)
            {
                // A failed build leaves cache records too: they are GoForge's to count and prune.
                await cacheBudget.AfterBuildAsync(cacheBefore, log, ct);
            }

            if (exitCode != 0)
            {
                var error = Explain(output.StepError ?? output.LastLine ?? $"the docker CLI exited with {exitCode}", memoryLimit);
                logger.ImageBuildFailed(request.Tag, error);
                throw new EngineException(error);
            }

            return await InspectAsync(request.Tag, ct);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>What a command line or the CLI's <c>--secret</c> syntax could misread is refused before anything runs.</summary>
    private static void CheckRequest(ImageBuildRequest request)
    {
        foreach (var key in request.Secrets.Keys.Concat(request.BuildArgs.Keys))
        {
            if (!VariableKey().IsMatch(key))
            {
                throw new EngineException($"The build-time variable '{key}' cannot be passed to the build: use letters, digits and '_'.");
            }
        }

        if (request.Target is { } target && !StageName().IsMatch(target))
        {
            throw new EngineException($"The build target '{target}' is not a Dockerfile stage name.");
        }
    }

    private ProcessStartInfo StartInfo(ImageBuildRequest request, string dockerfile, string work, BuildKitOptions settings)
    {
        var startInfo = new ProcessStartInfo(settings.DockerCli)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = work,
        };
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("DOCKER_", StringComparison.Ordinal) || k.StartsWith("BUILDX_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        // The engine GoForge is configured for, BuildKit on, and an empty configuration folder of this build's own:
        // no context, credential helper or proxy setting of the panel's user reaches the build.
        startInfo.Environment["DOCKER_HOST"] = docker.Endpoint.ToString();
        startInfo.Environment["DOCKER_BUILDKIT"] = "1";
        startInfo.Environment["DOCKER_CONFIG"] = work;
        startInfo.Environment["DOCKER_CLI_HINTS"] = "false";
        startInfo.Environment["BUILDX_NO_DEFAULT_ATTESTATIONS"] = "1";

        var arguments = startInfo.ArgumentList;
        foreach (var argument in (string[])["build", "--progress=plain", "--file", dockerfile, "--tag", request.Tag, "--iidfile", Path.Combine(work, "iid")])
        {
            arguments.Add(argument);
        }

        foreach (var (key, value) in request.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            arguments.Add("--label");
            arguments.Add($"{key}={value}");
        }

        foreach (var (key, value) in request.BuildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            arguments.Add("--build-arg");
            arguments.Add($"{key}={value}");
        }

        // Each secret reaches the CLI through its own environment (readable by the panel's user only), never through a
        // file: a panel killed mid-build leaves nothing of it on disk, and never through an argument (ps shows those).
        var index = 0;
        foreach (var (key, value) in request.Secrets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var variable = $"GOFORGE_BUILD_SECRET_{index++}";
            startInfo.Environment[variable] = value;
            arguments.Add("--secret");
            arguments.Add($"id={key},env={variable}");
        }

        if (request.Target is { } target)
        {
            arguments.Add("--target");
            arguments.Add(target);
        }

        if (settings.Network is { } network)
        {
            arguments.Add("--network");
            arguments.Add(network);
        }

        // The context (our tar, Dockerfile inside) comes on standard input: the CLI reads no file of the repository.
        arguments.Add("-");
        return startInfo;
    }

    private async Task<int> RunAsync(ProcessStartInfo startInfo, Stream archive, BuildKitOutput output, string tag, CancellationToken ct)
    {
        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new EngineException($"The docker CLI {startInfo.FileName} could not be started.");
        }
        catch (Win32Exception e)
        {
            throw new EngineException($"The docker CLI {startInfo.FileName} could not be started ({BuildKitOptions.Key(nameof(BuildKitOptions.DockerCli))}): {e.Message}", e);
        }

        using (process)
        {
            var stderr = PumpAsync(process.StandardError, output);
            var stdout = PumpAsync(process.StandardOutput, output);
            try
            {
                try
                {
                    await archive.CopyToAsync(process.StandardInput.BaseStream, ct);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The CLI stopped reading (it failed early): its exit code and output say why.
                }

                await process.WaitForExitAsync(ct);
                await Task.WhenAll(stderr, stdout).WaitAsync(ct);
                return process.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                logger.ImageBuildCanceled(tag);
                await RemoveTagAsync(tag);
                throw;
            }
        }
    }

    private static async Task PumpAsync(StreamReader reader, BuildKitOutput output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            output.Add(line);
        }
    }

    /// <summary>A step killed with SIGKILL (exit code 137) under a memory limit ran out of memory: say so, with the limit.</summary>
    private static string Explain(string error, int? memoryLimitMiB) =>
        memoryLimitMiB is { } limit && error.Contains("exit code: 137", StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture,
                $"the build ran out of memory (limit {limit} MiB, {BuildKitOptions.Key(nameof(BuildKitOptions.MemoryLimitMiB))}): {error}")
            : error;

    /// <summary>The tag is the deployment's own, so whatever carries it after a cancel is this build's and goes.</summary>
    private async Task RemoveTagAsync(string tag)
    {
        try
        {
            await docker.Client.Images.DeleteImageAsync(tag, new ImageDeleteParameters(), CancellationToken.None);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            // Not named yet: nothing to remove.
        }
        catch (Exception e) when (DockerErrors.IsEngineFailure(e))
        {
            logger.CanceledImageNotRemoved(tag, e.Message);
        }
    }

    private async Task<BuiltImage> InspectAsync(string tag, CancellationToken ct)
    {
        try
        {
            var image = await docker.Client.Images.InspectImageAsync(tag, ct);
            logger.ImageBuilt(tag, image.ID);
            return new BuiltImage(image.ID, tag);
        }
        catch (DockerApiException e) when (e.IsNotFound())
        {
            const string Missing = "The build ended without an error, but the image was not tagged.";
            logger.ImageBuildFailed(tag, Missing);
            throw new EngineException(Missing, e);
        }
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,254}\z", RegexOptions.CultureInvariant)]
    private static partial Regex VariableKey();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex StageName();
}
