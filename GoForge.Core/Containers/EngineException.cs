namespace GoForge.Core.Containers;

/// <summary>
/// The Docker engine refused an operation (on a container, image, network or volume), failed a build, or could not be
/// reached. <see cref="EngineError"/> is the engine's own message (or the transport's), fit to show the user.
/// </summary>
public sealed class EngineException : Exception
{
    public EngineException()
        : this("The Docker engine operation failed.")
    {
    }

    public EngineException(string engineError)
        : base(engineError)
    {
        EngineError = engineError;
    }

    public EngineException(string engineError, Exception innerException)
        : base(engineError, innerException)
    {
        EngineError = engineError;
    }

    /// <summary>The engine's own message; the same as <see cref="Exception.Message"/>.</summary>
    public string EngineError { get; } = "";
}
