using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace BgpLab.Common;

/// <summary>
/// The module's dependency isolation (PowerShell's documented "resolver" pattern): PowerShell loads this
/// entry assembly; BgpLab.Engine and every package it uses (YamlDotNet, Docker.DotNet, KubernetesClient,
/// Newtonsoft.Json, ...) sit in dependencies/ and are loaded into <see cref="BgpLabLoadContext"/>, so
/// another module's YamlDotNet or Newtonsoft in the same session never collides with ours.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

    private static readonly BgpLabLoadContext LoadContext = new(DependencyDirectory);

    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>
    /// Hooks the resolver (once). BgpLab.Resolver.ps1, the manifest's ScriptsToProcess, calls this before
    /// PowerShell reflects over the cmdlet classes: a cmdlet with a field of an engine value type (an enum, a
    /// struct) needs BgpLab.Engine just to lay out its class, which happens before <see cref="OnImport"/>.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
            _registered = true;
        }
    }

    public void OnImport() => Register();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        lock (Gate)
        {
            AssemblyLoadContext.Default.Resolving -= ResolveEngine;
            _registered = false;
        }
    }

    // Only the engine is handed to the default context; its own dependencies then resolve inside our context.
    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
        name.Name == "BgpLab.Engine" ? LoadContext.LoadFromAssemblyName(name) : null;
}

/// <summary>Loads assemblies from the module's dependencies/ folder; everything else falls back to the default context.</summary>
internal sealed class BgpLabLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public BgpLabLoadContext(string directory) : base("BgpLab", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_directory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
