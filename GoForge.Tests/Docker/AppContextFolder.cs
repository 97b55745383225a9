namespace GoForge.Tests.Docker;

/// <summary>A temporary build context holding the host's static busybox and the files a test writes; deleted on dispose.</summary>
internal sealed class AppContextFolder : IDisposable
{
    public const string AppDockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        CMD ["/bin/sh", "-c", "mkdir -p /www && echo hello > /www/index.html && echo app-started && exec httpd -f -p 8080 -h /www"]
        """;

    private AppContextFolder(string path) => Path = path;

    public string Path { get; }

    public static AppContextFolder Create(string dockerfile, string dockerfileName = "Dockerfile")
    {
        var folder = new AppContextFolder(Directory.CreateTempSubdirectory("goforge-ctx-").FullName);
        File.Copy(Harness.BusyboxImage.BusyboxPath, System.IO.Path.Combine(folder.Path, "busybox"));
        folder.Write(dockerfileName, dockerfile);
        return folder;
    }

    public void Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class Unique
{
    public static string Name(string prefix) => $"goforge-test-{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static string Tag(string prefix) => $"{Name(prefix)}:test";
}

/// <summary>Collects log lines synchronously, so nothing arrives after the call returned.</summary>
internal sealed class LineLog(Action<string>? onLine = null) : IProgress<string>
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Report(string value)
    {
        lock (_lines)
        {
            _lines.Add(value);
        }

        onLine?.Invoke(value);
    }
}
