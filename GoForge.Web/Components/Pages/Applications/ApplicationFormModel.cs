using GoForge.Core.Projects;

namespace GoForge.Web.Components.Pages.Applications;

/// <summary>The editable copy of an <see cref="ApplicationInput"/> that <see cref="ApplicationForm"/> binds to (the input is an immutable record).</summary>
public sealed class ApplicationFormModel
{
    public string? Name { get; set; }

    public string? GitUrl { get; set; }

    public string? Branch { get; set; }

    public string? BuildContext { get; set; }

    public string? DockerfilePath { get; set; }

    public int? ContainerPort { get; set; }

    public string? Domains { get; set; }

    public string? HealthCheckPath { get; set; }

    public int? MemoryLimitMb { get; set; }

    public decimal? CpuLimit { get; set; }

    public RestartPolicy RestartPolicy { get; set; }

    public bool AutoDeploy { get; set; }

    public static ApplicationFormModel From(ApplicationInput input) => new()
    {
        Name = input.Name,
        GitUrl = input.GitUrl,
        Branch = input.Branch,
        BuildContext = input.BuildContext,
        DockerfilePath = input.DockerfilePath,
        ContainerPort = input.ContainerPort,
        Domains = input.Domains,
        HealthCheckPath = input.HealthCheckPath,
        MemoryLimitMb = input.MemoryLimitMb,
        CpuLimit = input.CpuLimit,
        RestartPolicy = input.RestartPolicy,
        AutoDeploy = input.AutoDeploy,
    };

    public ApplicationInput ToInput() => new()
    {
        Name = Name,
        GitUrl = GitUrl,
        Branch = Branch,
        BuildContext = BuildContext,
        DockerfilePath = DockerfilePath,
        ContainerPort = ContainerPort,
        Domains = Domains,
        HealthCheckPath = HealthCheckPath,
        MemoryLimitMb = MemoryLimitMb,
        CpuLimit = CpuLimit,
        RestartPolicy = RestartPolicy,
        AutoDeploy = AutoDeploy,
    };
}
