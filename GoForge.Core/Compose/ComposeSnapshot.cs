namespace GoForge.Core.Compose;

/// <summary>
/// The compose file and every file it names (its <c>env_file</c>s), as read from one commit: text, keyed by their path
/// inside the repository. A deployment keeps its snapshot, so a rollback or an Apply reads the same file again with the
/// variables as they are now, without a clone. Not secret: these are the repository's own files; the application's
/// variables are interpolated when the snapshot is read, and never stored in it.
/// </summary>
/// <param name="ComposePath">The compose file's path inside the repository; a key of <paramref name="Files"/>.</param>
public sealed record ComposeSnapshot(string ComposePath, IReadOnlyDictionary<string, string> Files);
