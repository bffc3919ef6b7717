using System.Runtime.InteropServices;
using BgpLab.Engine.Common;
using Microsoft.Win32.SafeHandles;

namespace BgpLab.Engine.Net;

/// <summary>
/// A network namespace, held open by a file descriptor on <c>/proc/&lt;pid&gt;/ns/net</c> (so it stays
/// valid while held even if the process exits). Sockets that act inside it are created on a dedicated
/// thread that enters the namespace, creates them and leaves; a socket keeps the namespace it was born in.
/// </summary>
public sealed class NetNamespace : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly object _gate = new();
    private NetlinkSocket? _netlink;
    private int _inetSocket = -1;

    private NetNamespace(SafeFileHandle handle, string owner)
    {
        _handle = handle;
        Owner = owner;
    }

    /// <summary>What the namespace belongs to (a container name), for messages.</summary>
    public string Owner { get; }

    internal int Fd => (int)_handle.DangerousGetHandle();

    /// <summary>The network namespace of process <paramref name="pid"/> (a container's init process).</summary>
    public static NetNamespace OfProcess(int pid, string owner)
    {
        NetworkLinks.EnsureRoot();
        try
        {
            return new NetNamespace(File.OpenHandle($"/proc/{pid}/ns/net", FileMode.Open, FileAccess.Read), owner);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BgpLabException($"Cannot open the network namespace of {owner} (pid {pid}): {e.Message}",
                "NetNamespaceUnavailable", FailureKind.ResourceUnavailable, owner, e);
        }
    }

    /// <summary>The namespace of the calling process (the host's, when run on the Docker host).</summary>
    public static NetNamespace Current() => new(File.OpenHandle("/proc/self/ns/net", FileMode.Open, FileAccess.Read), "host");

    internal NetlinkSocket Netlink
    {
        get
        {
            lock (_gate)
            {
                if (_netlink is null) OpenSockets();
                return _netlink!;
            }
        }
    }

    /// <summary>An AF_INET datagram socket inside the namespace (for ethtool ioctls).</summary>
    internal int InetSocket
    {
        get
        {
            lock (_gate)
            {
                if (_inetSocket < 0) OpenSockets();
                return _inetSocket;
            }
        }
    }

    private void OpenSockets()
    {
        Exception? failure = null;
        NetlinkSocket? netlink = null;
        var inet = -1;
        // A fresh thread, because setns changes the calling thread: it returns to its original namespace
        // before ending, and if that ever failed the thread ends anyway, so no pool thread is left astray.
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net", FileMode.Open, FileAccess.Read);
                if (LibC.setns(Fd, LibC.CLONE_NEWNET) != 0) throw new NetlinkException($"setns({Owner})", Marshal.GetLastPInvokeError());
                try
                {
                    netlink = NetlinkSocket.OpenInCurrentNamespace();
                    inet = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
                    if (inet < 0) throw new NetlinkException("socket(AF_INET)", Marshal.GetLastPInvokeError());
                }
                finally
                {
                    LibC.setns((int)home.DangerousGetHandle(), LibC.CLONE_NEWNET);
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "bgplab-netns" };
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            netlink?.Dispose();
            if (inet >= 0) LibC.close(inet);
            throw NetworkLinks.Translate(failure, $"entering the network namespace of {Owner}", Owner);
        }
        _netlink = netlink;
        _inetSocket = inet;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _netlink?.Dispose();
            _netlink = null;
            if (_inetSocket >= 0) LibC.close(_inetSocket);
            _inetSocket = -1;
        }
        _handle.Dispose();
    }
}
