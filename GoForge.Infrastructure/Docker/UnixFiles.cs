using System.Runtime.InteropServices;
using System.Text;

namespace GoForge.Infrastructure.Docker;

/// <summary>What a path is, without following a link at its end.</summary>
internal enum UnixFileType
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,

    /// <summary>A FIFO, a character or block device, or a socket: never opened.</summary>
    Special,
}

/// <summary>
/// The file type and size of a path by <c>statx(2)</c> with <c>AT_SYMLINK_NOFOLLOW</c>: .NET tells a link and a folder
/// apart, but not a regular file from a FIFO or a device, and opening either of those can block or never end.
/// <c>struct statx</c> has one layout on every architecture.
/// </summary>
internal static class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxTypeAndSize = 0x1 | 0x200;
    private const int ModeOffset = 28;
    private const int SizeOffset = 40;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    public static (UnixFileType Type, long Size) Stat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var buffer = new byte[256];
        // The path as the C string the kernel reads: UTF-8, NUL-terminated.
        var name = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, name);
        if (NativeMethods.Statx(AtFdCwd, name, AtSymlinkNoFollow, StatxTypeAndSize, buffer) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Enoent or Enotdir
                ? (UnixFileType.Missing, 0)
                : throw new IOException($"Cannot examine a file of the build (errno {errno}).");
        }

        var mode = BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000;
        var size = BitConverter.ToInt64(buffer, SizeOffset);
        var type = mode switch
        {
            0x8000 => UnixFileType.Regular,
            0x4000 => UnixFileType.Directory,
            0xA000 => UnixFileType.SymbolicLink,
            _ => UnixFileType.Special,
        };
        return (type, size);
    }

    /// <summary>
    /// The bytes of the regular file <paramref name="path"/>, reading at most <paramref name="limit"/> + 1 bytes whatever
    /// its size became since it was examined; null when it holds more than <paramref name="limit"/>.
    /// </summary>
    public static async Task<byte[]?> ReadBoundedAsync(string path, long limit, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        var buffer = new byte[limit + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        return read > limit ? null : buffer[..read];
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Statx(int dirfd, byte[] path, int flags, uint mask, [Out] byte[] buffer);
    }
}
