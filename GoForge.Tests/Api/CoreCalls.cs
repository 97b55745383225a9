using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace GoForge.Tests.Api;

/// <summary>
/// Which <c>GoForge.Core</c> methods the compiled code of some <c>GoForge.Web</c> namespaces calls, read from the
/// assembly's IL (lambdas, async state machines and Razor render trees included: they are nested types of the caller).
/// A method is named <c>Namespace.Type.Method</c>.
/// </summary>
internal static class CoreCalls
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    /// <summary>The Core methods called from types whose namespace starts with <paramref name="callerNamespace"/>.</summary>
    public static IReadOnlySet<string> From(Assembly web, string callerNamespace)
    {
        ArgumentNullException.ThrowIfNull(web);
        using var stream = File.OpenRead(web.Location);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            var ns = NamespaceOf(md, type);
            if (ns != callerNamespace && !ns.StartsWith(callerNamespace + ".", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                List<int> tokens;
                try
                {
                    tokens = CalledTokens(pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader());
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException($"{md.GetString(type.Name)}.{md.GetString(method.Name)}: {e.Message}", e);
                }

                foreach (var token in tokens)
                {
                    if (CoreMethodName(md, MetadataTokens.EntityHandle(token)) is { } name)
                    {
                        calls.Add(name);
                    }
                }
            }
        }

        return calls;
    }

    private static string NamespaceOf(MetadataReader md, TypeDefinition type)
    {
        while (type.IsNested)
        {
            type = md.GetTypeDefinition(type.GetDeclaringType());
        }

        return md.GetString(type.Namespace);
    }

    /// <summary>The method tokens of call, callvirt, newobj, ldftn and ldvirtftn in one method body.</summary>
    private static List<int> CalledTokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE)
            {
                code = unchecked((short)(0xFE00 | il.ReadByte()));
            }

            if (!Operands.TryGetValue(code, out var operand))
            {
                throw new InvalidOperationException($"Unknown opcode {code:X} at IL offset {il.Offset - 1}.");
            }

            switch (operand)
            {
                case OperandType.InlineMethod:
                    tokens.Add(il.ReadInt32());
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                default:
                    il.Offset += 4;
                    break;
            }
        }

        return tokens;
    }

    private static string? CoreMethodName(MetadataReader md, EntityHandle handle)
    {
        if (handle.Kind == HandleKind.MethodSpecification)
        {
            handle = md.GetMethodSpecification((MethodSpecificationHandle)handle).Method;
        }

        if (handle.Kind != HandleKind.MemberReference)
        {
            return null;
        }

        var member = md.GetMemberReference((MemberReferenceHandle)handle);
        if (member.Parent.Kind != HandleKind.TypeReference)
        {
            return null;
        }

        var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
        var ns = md.GetString(type.Namespace);
        return ns.StartsWith("GoForge.Core", StringComparison.Ordinal) ? $"{ns}.{md.GetString(type.Name)}.{md.GetString(member.Name)}" : null;
    }
}
