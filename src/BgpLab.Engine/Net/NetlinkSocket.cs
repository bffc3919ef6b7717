using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace BgpLab.Engine.Net;

/// <summary>
/// A NETLINK_ROUTE socket. A netlink socket acts in the network namespace it was created in, which is
/// how we reach other namespaces: <see cref="NetNamespace"/> creates one while its thread is inside.
/// Requests are serialised per socket (one outstanding request, matched by sequence number).
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_DUMP = 0x300;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;

    private readonly object _gate = new();
    private readonly byte[] _receive = new byte[256 * 1024];
    private int _fd;
    private uint _sequence;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>A socket in the calling thread's current network namespace.</summary>
    public static NetlinkSocket OpenInCurrentNamespace()
    {
        var fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) throw new NetlinkException("socket(AF_NETLINK)", Marshal.GetLastPInvokeError());
        // struct sockaddr_nl of the kernel (pid 0, no groups): the peer of every request.
        var kernel = stackalloc byte[12];
        new Span<byte>(kernel, 12).Clear();
        kernel[0] = LibC.AF_NETLINK;
        if (LibC.connect(fd, kernel, 12) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            LibC.close(fd);
            throw new NetlinkException("connect(netlink)", errno);
        }
        return new NetlinkSocket(fd);
    }

    /// <summary>Sends one request and waits for its acknowledgement; a negative errno becomes a NetlinkException.</summary>
    public void Execute(NetlinkMessage message, string operation)
    {
        lock (_gate)
        {
            var seq = SendLocked(message);
            ReceiveLocked(seq, operation, onMessage: null);
        }
    }

    /// <summary>Sends a dump request and hands every answer message (type, payload) to <paramref name="onMessage"/>.</summary>
    public void Dump(NetlinkMessage message, string operation, MessageVisitor onMessage)
    {
        lock (_gate)
        {
            var seq = SendLocked(message);
            ReceiveLocked(seq, operation, onMessage);
        }
    }

    private uint SendLocked(NetlinkMessage message)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        var seq = ++_sequence;
        var bytes = message.ToArray(seq);
        fixed (byte* p = bytes)
        {
            if (LibC.send(_fd, p, bytes.Length, 0) < 0) throw new NetlinkException("send(netlink)", Marshal.GetLastPInvokeError());
        }
        return seq;
    }

    private void ReceiveLocked(uint seq, string operation, MessageVisitor? onMessage)
    {
        while (true)
        {
            nint received;
            fixed (byte* p = _receive)
            {
                received = LibC.recv(_fd, p, _receive.Length, 0);
            }
            if (received < 0) throw new NetlinkException("recv(netlink)", Marshal.GetLastPInvokeError());
            var span = new ReadOnlySpan<byte>(_receive, 0, (int)received);
            while (span.Length >= 16)
            {
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[6..]);
                var messageSeq = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
                if (length < 16 || length > span.Length) break;
                var payload = span[16..length];
                span = span[Math.Min(Align(length), span.Length)..];
                if (messageSeq != seq) continue; // a late answer to an earlier, abandoned request
                switch (type)
                {
                    case NLMSG_ERROR:
                        var errno = -BinaryPrimitives.ReadInt32LittleEndian(payload);
                        if (errno != 0) throw new NetlinkException(operation, errno);
                        return; // the acknowledgement
                    case NLMSG_DONE:
                        return;
                    default:
                        onMessage?.Invoke(type, payload);
                        if ((flags & NLM_F_MULTI) == 0 && onMessage is null) return;
                        break;
                }
            }
        }
    }

    public delegate void MessageVisitor(ushort type, ReadOnlySpan<byte> payload);

    public static int Align(int length) => (length + 3) & ~3;

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) LibC.close(fd);
    }
}

/// <summary>A netlink request under construction: header, fixed part and (nested) attributes.</summary>
internal sealed class NetlinkMessage
{
    private readonly MemoryStream _body = new();
    private readonly Stack<long> _nests = new();
    private readonly ushort _type;
    private readonly ushort _flags;

    public NetlinkMessage(ushort type, ushort flags)
    {
        _type = type;
        _flags = (ushort)(flags | NetlinkSocket.NLM_F_REQUEST);
    }

    /// <summary>struct ifinfomsg (16 bytes).</summary>
    public NetlinkMessage IfInfo(int index = 0, uint flags = 0, uint change = 0)
    {
        Span<byte> b = stackalloc byte[16];
        b.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(b[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], change);
        _body.Write(b);
        return this;
    }

    public NetlinkMessage Attribute(ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        _body.Write(header);
        _body.Write(value);
        Pad();
        return this;
    }

    public NetlinkMessage Attribute(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Attribute(type, b);
    }

    /// <summary>A NUL-terminated string attribute.</summary>
    public NetlinkMessage Attribute(ushort type, string value) => Attribute(type, Encoding.ASCII.GetBytes(value + "\0"));

    public NetlinkMessage BeginNested(ushort type)
    {
        _nests.Push(_body.Position);
        Span<byte> header = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], type);
        _body.Write(header);
        return this;
    }

    public NetlinkMessage EndNested()
    {
        var start = _nests.Pop();
        var end = _body.Position;
        _body.Position = start;
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)(end - start));
        _body.Write(length);
        _body.Position = end;
        return this;
    }

    private void Pad()
    {
        while (_body.Length % 4 != 0) _body.WriteByte(0);
    }

    public byte[] ToArray(uint sequence)
    {
        var body = _body.ToArray();
        var message = new byte[16 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), _type);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(6), _flags);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), sequence);
        body.CopyTo(message, 16);
        return message;
    }

    /// <summary>Walks rtattrs in <paramref name="attributes"/>, calling back with each type and value.</summary>
    public static void ForEachAttribute(ReadOnlySpan<byte> attributes, AttributeVisitor visit)
    {
        while (attributes.Length >= 4)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]) & 0x3fff);
            if (length < 4 || length > attributes.Length) return;
            visit(type, attributes[4..length]);
            attributes = attributes[Math.Min(NetlinkSocket.Align(length), attributes.Length)..];
        }
    }

    public delegate void AttributeVisitor(ushort type, ReadOnlySpan<byte> value);
}

/// <summary>A failed netlink (or related system) call, with its errno.</summary>
internal sealed class NetlinkException : Exception
{
    public NetlinkException(string operation, int errno) : base($"{operation}: {LibC.ErrorText(errno)}")
    {
        Operation = operation;
        Errno = errno;
    }

    public string Operation { get; }
    public int Errno { get; }
}
