using System.ComponentModel.DataAnnotations;

namespace GoForge.Infrastructure.Docker;

/// <summary>Where the Docker engine listens (section <c>GoForge:Docker</c>).</summary>
public sealed class DockerOptions
{
    public const string SectionName = "GoForge:Docker";

    /// <summary>Engine endpoint, <c>unix:///path/docker.sock</c> or <c>tcp://host:port</c>. Default: the system socket.</summary>
    [Required]
    public Uri Endpoint { get; set; } = new("unix:///var/run/docker.sock");

    /// <summary>How long one engine call may take before it is given up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
