# The manifest's ScriptsToProcess: runs before PowerShell loads BgpLab.dll's cmdlets and hooks the resolver that
# loads BgpLab.Engine into the module's own AssemblyLoadContext (see ModuleInitializer.Register): PowerShell
# needs the engine while it reflects over cmdlet classes whose fields are engine enums or structs.
[System.Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'BgpLab.dll')).GetType('BgpLab.Common.ModuleInitializer').GetMethod('Register').Invoke($null, $null) | Out-Null
