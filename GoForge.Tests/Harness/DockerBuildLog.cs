using System.Text;
using Docker.DotNet.Models;

namespace GoForge.Tests.Harness;

/// <summary>
/// Collects the output of an Engine API build, import or load synchronously (Progress&lt;T&gt; would post it after the
/// call returned), and keeps its first error.
/// </summary>
internal sealed class DockerBuildLog : IProgress<JSONMessage>
{
    private readonly StringBuilder _text = new();

    public string? Error { get; private set; }

    public void Report(JSONMessage value)
    {
        lock (_text)
        {
            _text.Append(value.Stream);
            if (!string.IsNullOrEmpty(value.Error?.Message))
            {
                Error ??= value.Error.Message;
                _text.AppendLine(value.Error.Message);
            }
        }
    }

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}
