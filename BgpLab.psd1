# Source manifest. build.ps1 fills CmdletsToExport, FormatsToProcess and TypesToProcess from what it
# built (the empty lists below are placeholders it replaces) into out/BgpLab/<version>/BgpLab.psd1.
@{
    RootModule           = 'BgpLab.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b7c2f0e-3d8a-4c61-9f4e-2a1b6c7d8e90'
    Author               = 'BgpLab maintainers'
    CompanyName          = 'BgpLab'
    Copyright            = '(c) BgpLab maintainers. MIT License.'
    Description          = 'Builds, verifies and tears down a Cilium BGP lab: Kind cluster, Containerlab fabric of FRR routers, Cilium BGP control plane, and the checks that prove Pod routes reach the fabric.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    CmdletsToExport      = @()
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    FormatsToProcess     = @()
    TypesToProcess       = @()
    # Hooks the engine resolver before PowerShell reflects over the cmdlets (see module/BgpLab.Resolver.ps1).
    ScriptsToProcess     = @('BgpLab.Resolver.ps1')
    PrivateData          = @{
        PSData = @{
            Tags       = @('containerlab', 'kind', 'cilium', 'bgp', 'frr', 'networking', 'Linux')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
