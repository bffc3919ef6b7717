using System.Runtime.InteropServices;

namespace BgpLab.Engine.Net;

/// <summary>The few libc calls netlink and namespace work needs (Linux only).</summary>
internal static unsafe partial class LibC
{
    public const int AF_INET = 2;
    public const int AF_NETLINK = 16;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int NETLINK_ROUTE = 0;
    public const int CLONE_NEWNET = 0x40000000;
    public const uint SIOCETHTOOL = 0x8946;

    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int connect(int fd, byte* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setns(int fd, int nstype);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, ulong* limits);

    /// <summary>The hard limit on open files of this process (RLIMIT_NOFILE), null if unknown.</summary>
    public static ulong? OpenFilesHardLimit()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var limits = stackalloc ulong[2];
        return getrlimit(7, limits) == 0 ? limits[1] : null;
    }

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    public static string ErrorText(int errno) => errno switch
    {
        EPERM => "operation not permitted",
        ENOENT => "no such file or directory",
        EACCES => "permission denied",
        EEXIST => "already exists",
        ENODEV => "no such device",
        EINVAL => "invalid argument",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };
}
