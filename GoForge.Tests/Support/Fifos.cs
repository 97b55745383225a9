using System.Runtime.InteropServices;
using System.Text;

namespace GoForge.Tests.Support;

/// <summary>Named pipes for tests of readers that must refuse anything but a regular file (a FIFO blocks a naive read forever).</summary>
internal static class Fifos
{
    public static void Make(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        Assert.Equal(0, NativeMethods.MakeFifo(bytes, Convert.ToUInt32("600", 8)));
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int MakeFifo(byte[] path, uint mode);
    }
}
