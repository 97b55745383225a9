using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace GoForge.Tests.Core;

/// <summary>
/// "No shell" as a property of the compiled product: no GoForge assembly hands a command line to a process, and none
/// names a shell. A process is only ever started from a file name and an <c>ArgumentList</c>.
/// </summary>
public sealed class ProcessUseTests
{
    private static readonly Assembly[] Product =
    [
        typeof(GoForge.Core.DependencyInjection).Assembly,
        typeof(GoForge.Infrastructure.DependencyInjection).Assembly,
        typeof(GoForge.Web.Hosting.WebRegistration).Assembly,
    ];

    // Members that take a whole command line: ProcessStartInfo.Arguments and the (fileName, arguments) overloads.
    private static readonly string[] CommandLineMembers =
    [
        "System.Diagnostics.ProcessStartInfo.set_Arguments",
        "System.Diagnostics.ProcessStartInfo..ctor(2)",
        "System.Diagnostics.Process.Start(2)",
    ];

    private static readonly HashSet<string> ShellNames = new(StringComparer.Ordinal)
    {
        "sh", "/bin/sh", "bash", "/bin/bash", "/usr/bin/bash", "dash", "zsh", "cmd", "cmd.exe", "powershell", "pwsh",
    };

    [Fact]
    public void No_product_assembly_passes_a_command_line_to_a_process()
    {
        var offending = Product.SelectMany(a => MemberReferences(a).Where(CommandLineMembers.Contains).Select(m => $"{a.GetName().Name}: {m}")).ToList();

        Assert.True(offending.Count == 0, "A command line reaches a process: " + string.Join(", ", offending));
    }

    [Fact]
    public void The_only_product_code_that_starts_a_process_uses_an_argument_list()
    {
        var starters = Product.Where(a => MemberReferences(a).Contains("System.Diagnostics.Process.Start(1)") || MemberReferences(a).Contains("System.Diagnostics.Process.Start(0)")).ToList();
        var argumentLists = Product.Where(a => MemberReferences(a).Contains("System.Diagnostics.ProcessStartInfo.get_ArgumentList")).ToList();

        Assert.NotEmpty(starters);
        Assert.All(starters, a => Assert.Contains(a, argumentLists));
    }

    [Fact]
    public void No_product_assembly_names_a_shell_as_a_string_constant()
    {
        var offending = Product.SelectMany(a => UserStrings(a).Where(ShellNames.Contains).Select(s => $"{a.GetName().Name}: \"{s}\"")).ToList();

        // The template rules name shells only to refuse them (TemplateRules.Shells is a collection initializer).
        offending.RemoveAll(s => s.StartsWith("GoForge.Core:", StringComparison.Ordinal));
        Assert.True(offending.Count == 0, "A shell is named: " + string.Join(", ", offending));
    }

    [Fact]
    public void The_reader_sees_a_command_line_where_there_is_one()
    {
        // Guards the guard: this test assembly sets ProcessStartInfo.Arguments below, and must be seen doing so.
        Assert.Contains("System.Diagnostics.ProcessStartInfo.set_Arguments", MemberReferences(typeof(ProcessUseTests).Assembly));
        Assert.Contains("bash", UserStrings(typeof(ProcessUseTests).Assembly));
    }

    internal static System.Diagnostics.ProcessStartInfo CommandLineExample() => new() { FileName = "bash", Arguments = "-c true" };

    private static HashSet<string> MemberReferences(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference)
            {
                continue;
            }

            var type = reader.GetTypeReference((TypeReferenceHandle)member.Parent);
            var typeName = $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
            var name = reader.GetString(member.Name);
            result.Add($"{typeName}.{name}");
            if (member.GetKind() == MemberReferenceKind.Method)
            {
                var parameters = reader.GetBlobReader(member.Signature);
                parameters.ReadSignatureHeader();
                result.Add($"{typeName}.{name}({parameters.ReadCompressedInteger()})");
            }
        }

        return result;
    }

    private static HashSet<string> UserStrings(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var result = new HashSet<string>(StringComparer.Ordinal);
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            result.Add(reader.GetUserString(handle));
            handle = reader.GetNextHandle(handle);
        }

        return result;
    }
}
