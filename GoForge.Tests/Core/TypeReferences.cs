using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace GoForge.Tests.Core;

/// <summary>A type named by its assembly, namespace and (outermost) name.</summary>
public sealed record TypeName(string Assembly, string Namespace, string Name)
{
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name : $"{Namespace}.{Name}";
}

/// <summary>
/// Reads a compiled assembly's metadata (System.Reflection.Metadata, no reflection loading) and answers, for each
/// top-level type, every type it references: base type, interfaces, fields, properties, events, method signatures,
/// generic arguments and constraints, attributes, locals, and every token in its method bodies' IL. Nested types,
/// including the compiler's closures and state machines, count as their outermost type.
/// </summary>
public sealed class TypeReferences
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private readonly MetadataReader _reader;
    private readonly PEReader _pe;
    private readonly string _assembly;
    private readonly Provider _provider;

    private TypeReferences(PEReader pe)
    {
        _pe = pe;
        _reader = pe.GetMetadataReader();
        _assembly = _reader.GetString(_reader.GetAssemblyDefinition().Name);
        _provider = new Provider(this);
    }

    /// <summary>Every top-level type of the assembly with the types it references (itself excluded).</summary>
    public static IReadOnlyDictionary<TypeName, IReadOnlySet<TypeName>> Of(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        return new TypeReferences(pe).Read();
    }

    private Dictionary<TypeName, IReadOnlySet<TypeName>> Read()
    {
        var result = new Dictionary<TypeName, HashSet<TypeName>>();
        foreach (var handle in _reader.TypeDefinitions)
        {
            var owner = NameOf(handle);
            if (owner.Name == "<Module>")
            {
                continue;
            }

            if (!result.TryGetValue(owner, out var set))
            {
                result[owner] = set = [];
            }

            Collect(handle, set);
            set.Remove(owner);
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlySet<TypeName>)p.Value);
    }

    private void Collect(TypeDefinitionHandle handle, HashSet<TypeName> set)
    {
        var type = _reader.GetTypeDefinition(handle);
        AddEntity(type.BaseType, set);
        foreach (var i in type.GetInterfaceImplementations())
        {
            var implementation = _reader.GetInterfaceImplementation(i);
            AddEntity(implementation.Interface, set);
            AddAttributes(implementation.GetCustomAttributes(), set);
        }

        AddAttributes(type.GetCustomAttributes(), set);
        AddGenericParameters(type.GetGenericParameters(), set);

        foreach (var f in type.GetFields())
        {
            var field = _reader.GetFieldDefinition(f);
            set.UnionWith(field.DecodeSignature(_provider, null));
            AddAttributes(field.GetCustomAttributes(), set);
        }

        foreach (var p in type.GetProperties())
        {
            var property = _reader.GetPropertyDefinition(p);
            AddMethodSignature(property.DecodeSignature(_provider, null), set);
            AddAttributes(property.GetCustomAttributes(), set);
        }

        foreach (var e in type.GetEvents())
        {
            var @event = _reader.GetEventDefinition(e);
            AddEntity(@event.Type, set);
            AddAttributes(@event.GetCustomAttributes(), set);
        }

        foreach (var m in type.GetMethods())
        {
            var method = _reader.GetMethodDefinition(m);
            AddMethodSignature(method.DecodeSignature(_provider, null), set);
            AddAttributes(method.GetCustomAttributes(), set);
            AddGenericParameters(method.GetGenericParameters(), set);
            foreach (var p in method.GetParameters())
            {
                AddAttributes(_reader.GetParameter(p).GetCustomAttributes(), set);
            }

            if (method.RelativeVirtualAddress != 0)
            {
                AddBody(_pe.GetMethodBody(method.RelativeVirtualAddress), set);
            }
        }
    }

    private void AddBody(MethodBodyBlock body, HashSet<TypeName> set)
    {
        if (!body.LocalSignature.IsNil)
        {
            var locals = _reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_provider, null);
            foreach (var local in locals)
            {
                set.UnionWith(local);
            }
        }

        foreach (var region in body.ExceptionRegions)
        {
            AddEntity(region.CatchType, set);
        }

        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il.ReadByte());
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString:
                    il.Offset += 4;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineSig:
                    var signature = (StandaloneSignatureHandle)MetadataTokens.EntityHandle(il.ReadInt32());
                    AddMethodSignature(_reader.GetStandaloneSignature(signature).DecodeMethodSignature(_provider, null), set);
                    break;
                default:
                    // InlineField, InlineMethod, InlineTok, InlineType: a metadata token.
                    AddEntity(MetadataTokens.EntityHandle(il.ReadInt32()), set);
                    break;
            }
        }
    }

    private void AddAttributes(CustomAttributeHandleCollection attributes, HashSet<TypeName> set)
    {
        foreach (var a in attributes)
        {
            AddEntity(_reader.GetCustomAttribute(a).Constructor, set);
        }
    }

    private void AddGenericParameters(GenericParameterHandleCollection parameters, HashSet<TypeName> set)
    {
        foreach (var g in parameters)
        {
            var parameter = _reader.GetGenericParameter(g);
            foreach (var c in parameter.GetConstraints())
            {
                AddEntity(_reader.GetGenericParameterConstraint(c).Type, set);
            }

            AddAttributes(parameter.GetCustomAttributes(), set);
        }
    }

    private static void AddMethodSignature(MethodSignature<ImmutableArray<TypeName>> signature, HashSet<TypeName> set)
    {
        set.UnionWith(signature.ReturnType);
        foreach (var parameter in signature.ParameterTypes)
        {
            set.UnionWith(parameter);
        }
    }

    private void AddEntity(EntityHandle handle, HashSet<TypeName> set)
    {
        if (handle.IsNil)
        {
            return;
        }

        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                set.Add(NameOf((TypeDefinitionHandle)handle));
                break;
            case HandleKind.TypeReference:
                set.Add(NameOf((TypeReferenceHandle)handle));
                break;
            case HandleKind.TypeSpecification:
                set.UnionWith(_reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_provider, null));
                break;
            case HandleKind.FieldDefinition:
                var field = _reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                set.Add(NameOf(field.GetDeclaringType()));
                set.UnionWith(field.DecodeSignature(_provider, null));
                break;
            case HandleKind.MethodDefinition:
                var method = _reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                set.Add(NameOf(method.GetDeclaringType()));
                AddMethodSignature(method.DecodeSignature(_provider, null), set);
                break;
            case HandleKind.MemberReference:
                var member = _reader.GetMemberReference((MemberReferenceHandle)handle);
                AddEntity(member.Parent, set);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    AddMethodSignature(member.DecodeMethodSignature(_provider, null), set);
                }
                else
                {
                    set.UnionWith(member.DecodeFieldSignature(_provider, null));
                }

                break;
            case HandleKind.MethodSpecification:
                var specification = _reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                AddEntity(specification.Method, set);
                foreach (var argument in specification.DecodeSignature(_provider, null))
                {
                    set.UnionWith(argument);
                }

                break;
        }
    }

    private TypeName NameOf(TypeDefinitionHandle handle)
    {
        var type = _reader.GetTypeDefinition(handle);
        while (type.IsNested)
        {
            type = _reader.GetTypeDefinition(type.GetDeclaringType());
        }

        return new TypeName(_assembly, _reader.GetString(type.Namespace), _reader.GetString(type.Name));
    }

    private TypeName NameOf(TypeReferenceHandle handle)
    {
        var type = _reader.GetTypeReference(handle);
        while (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            type = _reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
        }

        var assembly = type.ResolutionScope.Kind == HandleKind.AssemblyReference
            ? _reader.GetString(_reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name)
            : _assembly;
        return new TypeName(assembly, _reader.GetString(type.Namespace), _reader.GetString(type.Name));
    }

    /// <summary>Decodes a signature into the set of named types it mentions.</summary>
    private sealed class Provider(TypeReferences owner) : ISignatureTypeProvider<ImmutableArray<TypeName>, object?>
    {
        public ImmutableArray<TypeName> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<TypeName> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [owner.NameOf(handle)];

        public ImmutableArray<TypeName> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [owner.NameOf(handle)];

        public ImmutableArray<TypeName> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<TypeName> GetSZArrayType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetArrayType(ImmutableArray<TypeName> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<TypeName> GetByReferenceType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetPointerType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetPinnedType(ImmutableArray<TypeName> elementType) => elementType;

        public ImmutableArray<TypeName> GetModifiedType(ImmutableArray<TypeName> modifier, ImmutableArray<TypeName> unmodifiedType, bool isRequired) => unmodifiedType.AddRange(modifier);

        public ImmutableArray<TypeName> GetGenericInstantiation(ImmutableArray<TypeName> genericType, ImmutableArray<ImmutableArray<TypeName>> typeArguments) =>
            genericType.AddRange(typeArguments.SelectMany(a => a));

        public ImmutableArray<TypeName> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeName> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<TypeName> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeName>> signature) =>
            signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(p => p));
    }
}
