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

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveEngine;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

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
