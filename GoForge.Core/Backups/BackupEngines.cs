namespace GoForge.Core.Backups;

/// <summary>The registered database engines (Infrastructure registers them); the first that supports a template backs it up.</summary>
public sealed class BackupEngines(IEnumerable<IServiceBackupEngine> engines)
{
    private readonly IReadOnlyList<IServiceBackupEngine> _engines = engines.ToList();

    public IServiceBackupEngine? For(string templateId) => _engines.FirstOrDefault(e => e.Supports(templateId));

    public static string NotSupported(string templateId) =>
        $"Backups of '{templateId}' services are not supported: no backup engine handles this template.";
}
