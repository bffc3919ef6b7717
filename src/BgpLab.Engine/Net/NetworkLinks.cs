using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Net;

/// <summary>One end of a veth pair: the namespace it lands in, its name there and optionally its MAC.</summary>
public sealed record VethEnd(NetNamespace Namespace, string Name, string? Mac = null)
{
    public override string ToString() => $"{Namespace.Owner}:{Name}";
}

/// <summary>An interface as the kernel lists it in one namespace.</summary>
public sealed record NetInterface(int Index, string Name, int Mtu, bool IsUp, string? Kind, string? Mac);

/// <summary>
/// Links between network namespaces, over netlink from this process (no <c>ip</c> processes): veth pairs
/// created with each end named, sized and up directly in its target namespace, interface deletion and listing.
/// Needs root on the Docker host, as containerlab does.
/// </summary>
public static unsafe class NetworkLinks
{
    public const int DefaultMtu = 9500;
    private const ushort IFLA_ADDRESS = 1;
    private const ushort IFLA_IFNAME = 3;
    private const ushort IFLA_MTU = 4;
    private const ushort IFLA_LINKINFO = 18;
    private const ushort IFLA_NET_NS_FD = 28;
    private const ushort IFLA_INFO_KIND = 1;
    private const ushort IFLA_INFO_DATA = 2;
    private const ushort VETH_INFO_PEER = 1;
    private const uint IFF_UP = 1;
    private const uint ETHTOOL_GTXCSUM = 0x16;
    private const uint ETHTOOL_STXCSUM = 0x17;

    private static readonly Lazy<NetlinkSocket> HostSocket = new(NetlinkSocket.OpenInCurrentNamespace);

    /// <summary>Throws the "needs root" error when this process is not root.</summary>
    public static void EnsureRoot()
    {
        if (!OperatingSystem.IsLinux())
            throw new BgpLabException("Wiring lab links needs Linux network namespaces (run on the Linux Docker host).",
                "NetlinkUnsupported", FailureKind.NotInstalled);
        if (!LibC.IsRoot) throw NotRoot(null);
    }

    private static BgpLabException NotRoot(Exception? inner) => new(
        "Wiring lab links needs root on the Docker host: links are veth pairs created by netlink inside the containers' " +
        "network namespaces (containerlab needs root for the same reason).",
        "NetlinkPermissionDenied", FailureKind.PermissionDenied, null, inner)
    {
        RecommendedAction = "Run PowerShell as root on the Docker host (for example: sudo pwsh).",
    };

    /// <summary>A valid Linux interface name: 1–15 bytes, no '/', ':' or whitespace.</summary>
    public static bool IsValidInterfaceName(string name) =>
        name.Length is > 0 and <= 15 && name != "." && name != ".." && !name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c) || c > 127);

    /// <summary>A locally administered MAC in containerlab's range (aa:c1:ab:xx:xx:xx).</summary>
    public static string NewMac()
    {
        Span<byte> r = stackalloc byte[3];
        RandomNumberGenerator.Fill(r);
        return $"aa:c1:ab:{r[0]:x2}:{r[1]:x2}:{r[2]:x2}";
    }

    /// <summary>
    /// Creates a veth pair whose ends are born in their target namespaces with their final names, MTU,
    /// MAC and up (one RTM_NEWLINK from this namespace), then turns TX checksum offload off on both ends
    /// as containerlab does. Nothing is left behind when it fails.
    /// </summary>
    public static void CreateVethPair(VethEnd a, VethEnd b, int mtu = DefaultMtu, bool txChecksumOff = true)
    {
        EnsureRoot();
        foreach (var end in new[] { a, b })
        {
            if (!IsValidInterfaceName(end.Name))
                throw new BgpLabException($"Interface name '{end.Name}' of {end.Namespace.Owner} is not a valid Linux interface name (1-15 characters, no '/', ':' or spaces).",
                    "InvalidInterfaceName", FailureKind.InvalidArgument, end.ToString());
        }
        var message = new NetlinkMessage(NetlinkSocket.RTM_NEWLINK, NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL | NetlinkSocket.NLM_F_ACK)
            .IfInfo(flags: IFF_UP, change: IFF_UP)
            .Attribute(IFLA_IFNAME, a.Name)
            .Attribute(IFLA_MTU, (uint)mtu)
            .Attribute(IFLA_ADDRESS, MacBytes(a.Mac ?? NewMac()))
            .Attribute(IFLA_NET_NS_FD, (uint)a.Namespace.Fd)
            .BeginNested(IFLA_LINKINFO)
                .Attribute(IFLA_INFO_KIND, "veth")
                .BeginNested(IFLA_INFO_DATA)
                    .BeginNested(VETH_INFO_PEER)
                        // Not up here: the kernel configures the peer before the pair is joined, and
                        // opening a peerless veth fails (ENOTCONN); it is set up below, in its namespace.
                        .IfInfo()
                        .Attribute(IFLA_IFNAME, b.Name)
                        .Attribute(IFLA_MTU, (uint)mtu)
                        .Attribute(IFLA_ADDRESS, MacBytes(b.Mac ?? NewMac()))
                        .Attribute(IFLA_NET_NS_FD, (uint)b.Namespace.Fd)
                    .EndNested()
                .EndNested()
            .EndNested();
        try
        {
            HostSocket.Value.Execute(message, $"creating veth {a} <-> {b}");
        }
        catch (NetlinkException e) when (e.Errno == LibC.EEXIST)
        {
            throw new BgpLabException($"Cannot create link {a} <-> {b}: an interface with one of these names already exists in that namespace.",
                "InterfaceExists", FailureKind.ResourceExists, $"{a} <-> {b}", e);
        }
        catch (NetlinkException e)
        {
            throw Translate(e, $"creating link {a} <-> {b}", $"{a} <-> {b}");
        }
        try
        {
            SetUp(b.Namespace, b.Name);
            if (txChecksumOff)
            {
                SetTxChecksumOffload(a.Namespace, a.Name, false);
                SetTxChecksumOffload(b.Namespace, b.Name, false);
            }
        }
        catch
        {
            // Either end's deletion removes the pair.
            try { DeleteInterface(a.Namespace, a.Name); } catch (Exception) { }
            throw;
        }
    }

    /// <summary>Sets an interface up, inside its namespace.</summary>
    public static void SetUp(NetNamespace ns, string name)
    {
        EnsureRoot();
        var message = new NetlinkMessage(NetlinkSocket.RTM_NEWLINK, NetlinkSocket.NLM_F_ACK).IfInfo(flags: IFF_UP, change: IFF_UP).Attribute(IFLA_IFNAME, name);
        try
        {
            ns.Netlink.Execute(message, $"setting {ns.Owner}:{name} up");
        }
        catch (NetlinkException e)
        {
            throw Translate(e, $"setting {ns.Owner}:{name} up", $"{ns.Owner}:{name}");
        }
    }

    /// <summary>Deletes an interface in a namespace; false when it did not exist (deleting is idempotent).</summary>
    public static bool DeleteInterface(NetNamespace ns, string name)
    {
        EnsureRoot();
        var message = new NetlinkMessage(NetlinkSocket.RTM_DELLINK, NetlinkSocket.NLM_F_ACK).IfInfo().Attribute(IFLA_IFNAME, name);
        try
        {
            ns.Netlink.Execute(message, $"deleting {ns.Owner}:{name}");
            return true;
        }
        catch (NetlinkException e) when (e.Errno is LibC.ENODEV or LibC.ENOENT)
        {
            return false;
        }
        catch (NetlinkException e)
        {
            throw Translate(e, $"deleting interface {name} in {ns.Owner}", $"{ns.Owner}:{name}");
        }
    }

    /// <summary>Every interface in a namespace (name, index, MTU, up, link kind, MAC).</summary>
    public static IReadOnlyList<NetInterface> ListInterfaces(NetNamespace ns)
    {
        EnsureRoot();
        var result = new List<NetInterface>();
        var message = new NetlinkMessage(NetlinkSocket.RTM_GETLINK, NetlinkSocket.NLM_F_DUMP).IfInfo();
        try
        {
            ns.Netlink.Dump(message, $"listing interfaces of {ns.Owner}", (type, payload) =>
            {
                if (type != NetlinkSocket.RTM_NEWLINK || payload.Length < 16) return;
                var index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
                var flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
                string name = "", kind = null!, mac = null!;
                var mtu = 0;
                NetlinkMessage.ForEachAttribute(payload[16..], (attr, value) =>
                {
                    switch (attr)
                    {
                        case IFLA_IFNAME: name = Encoding.ASCII.GetString(value).TrimEnd('\0'); break;
                        case IFLA_MTU when value.Length >= 4: mtu = (int)BinaryPrimitives.ReadUInt32LittleEndian(value); break;
                        case IFLA_ADDRESS when value.Length == 6: mac = Convert.ToHexString(value).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((x, y) => x + ":" + y); break;
                        case IFLA_LINKINFO:
                            NetlinkMessage.ForEachAttribute(value, (info, infoValue) =>
                            {
                                if (info == IFLA_INFO_KIND) kind = Encoding.ASCII.GetString(infoValue).TrimEnd('\0');
                            });
                            break;
                    }
                });
                result.Add(new NetInterface(index, name, mtu, (flags & IFF_UP) != 0, kind, mac));
            });
        }
        catch (NetlinkException e)
        {
            throw Translate(e, $"listing interfaces of {ns.Owner}", ns.Owner);
        }
        return result;
    }

    /// <summary>Turns TX checksum offload on or off (ethtool's legacy ETHTOOL_STXCSUM, inside the namespace).</summary>
    public static void SetTxChecksumOffload(NetNamespace ns, string name, bool enabled)
    {
        EnsureRoot();
        var value = stackalloc uint[2] { ETHTOOL_STXCSUM, enabled ? 1u : 0u };
        if (Ethtool(ns, name, value) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw Translate(new NetlinkException("ioctl(SIOCETHTOOL)", errno), $"turning TX checksum offload off on {ns.Owner}:{name}", $"{ns.Owner}:{name}");
        }
    }

    /// <summary>Whether TX checksum offload is on for an interface.</summary>
    public static bool GetTxChecksumOffload(NetNamespace ns, string name)
    {
        EnsureRoot();
        var value = stackalloc uint[2] { ETHTOOL_GTXCSUM, 0 };
        if (Ethtool(ns, name, value) != 0)
            throw Translate(new NetlinkException("ioctl(SIOCETHTOOL)", Marshal.GetLastPInvokeError()), $"reading TX offload of {ns.Owner}:{name}", $"{ns.Owner}:{name}");
        return value[1] != 0;
    }

    private static int Ethtool(NetNamespace ns, string name, uint* value)
    {
        // struct ifreq: 16-byte name, then a union whose ifr_data points at the ethtool command.
        var ifreq = stackalloc byte[40];
        new Span<byte>(ifreq, 40).Clear();
        Encoding.ASCII.GetBytes(name, new Span<byte>(ifreq, 15));
        *(nint*)(ifreq + 16) = (nint)value;
        return LibC.ioctl(ns.InetSocket, LibC.SIOCETHTOOL, ifreq);
    }

    private static byte[] MacBytes(string mac)
    {
        var parts = mac.Split(':');
        if (parts.Length != 6) throw new BgpLabException($"'{mac}' is not a MAC address (six hex pairs separated by ':').", "InvalidMac", FailureKind.InvalidArgument, mac);
        return parts.Select(p => Convert.ToByte(p, 16)).ToArray();
    }

    internal static Exception Translate(Exception e, string what, object target) => e switch
    {
        BgpLabException => e,
        NetlinkException { Errno: LibC.EPERM or LibC.EACCES } => NotRoot(e),
        UnauthorizedAccessException => NotRoot(e),
        _ => new BgpLabException($"Failed {what}: {e.Message}", "NetlinkFailed", FailureKind.InvalidOperation, target, e),
    };
}
