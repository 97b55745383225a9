using GoForge.Core.Catalog;
using Microsoft.Extensions.Logging;

namespace GoForge.Infrastructure.Catalog;

/// <summary>Catalog loading: file names, template ids and reasons; never a file's content.</summary>
internal static partial class CatalogLog
{
    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "Service catalog loaded: {Count} template(s), {Refused} file(s) refused")]
    public static partial void Loaded(this ILogger logger, int count, int refused);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Template file {File} from the template folder was skipped: {Reason}")]
    public static partial void FolderTemplateRefused(this ILogger logger, string file, string reason);

    /// <summary>A shipped template that does not load is a bug (a test catches it); it is skipped, never fatal.</summary>
    [LoggerMessage(EventId = 1502, Level = LogLevel.Error, Message = "Built-in template {File} was skipped: {Reason}")]
    public static partial void BuiltInTemplateRefused(this ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Template {TemplateId} from the template folder ({File}) replaces the built-in one")]
    public static partial void BuiltInReplaced(this ILogger logger, string templateId, string file);

    public static void Refused(this ILogger logger, TemplateLoadError error)
    {
        var reason = string.Join(" ", error.Problems);
        if (error.Origin == TemplateOrigin.BuiltIn)
        {
            logger.BuiltInTemplateRefused(error.File, reason);
        }
        else
        {
            logger.FolderTemplateRefused(error.File, reason);
        }
    }
}
