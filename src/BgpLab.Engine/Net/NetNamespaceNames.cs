namespace BgpLab.Engine.Net;

/// <summary>
/// Named network namespaces as containerlab leaves them: /run/netns/&lt;container&gt; pointing at the container's
/// /proc/&lt;pid&gt;/ns/net, so <c>ip netns exec clab-lab-node ...</c> works on the host. Best effort, as in containerlab.
/// </summary>
public static class NetNamespaceNames
{
    public const string Directory = "/run/netns";

    public static string PathOf(string container) => System.IO.Path.Combine(Directory, container);

    public static bool TryLink(string container, int pid)
    {
        if (!LibC.IsRoot) return false;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            Unlink(container);
            File.CreateSymbolicLink(PathOf(container), $"/proc/{pid}/ns/net");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void Unlink(string container)
    {
        try
        {
            var path = PathOf(container);
            if (new FileInfo(path).LinkTarget is not null) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
