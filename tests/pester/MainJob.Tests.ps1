# The main job (build.ps1 Lab): examples/Invoke-ScenarioLab.ps1 builds the whole reference lab in a child pwsh,
# checks it and tears it down. It uses the scenario's fixed names (clab-bgp-cplane-demo-*, networks kind/clab):
# the Pester run is serialised on the Docker engine already; by hand, run under flock /tmp/bgplab-docker.lock.
BeforeAll {
    $script:ModulePath = $env:BGPLAB_MODULE
    $script:Root = (Resolve-Path "$PSScriptRoot/../..").Path
    $script:Pwsh = @((Get-Process -Id $PID).Path)
    if ([IO.Path]::GetFileNameWithoutExtension($Pwsh[0]) -eq 'dotnet') { $script:Pwsh += 'pwsh' }
    # The stand-ins the lab falls back to when kind/helm are not on PATH, built as build.ps1 Lab builds them.
    foreach ($project in 'KindStandIn', 'HelmStandIn') {
        & dotnet build (Join-Path $Root "tests/fixtures/$project/$project.csproj") -c Release --nologo -v q | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "building $project failed" }
    }
    $script:Output = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File (Join-Path $Root 'examples/Invoke-ScenarioLab.ps1') `
        -ModulePath $ModulePath -TimeoutSec 120 2>&1 | ForEach-Object { "$_" }
    $script:ExitCode = $LASTEXITCODE
    $script:Text = $Output -join "`n"
    # Each check prints once as it runs and once in the summary; the summary is what the run ends with.
    $script:Summary = @($Output | Select-Object -Skip ([array]::LastIndexOf([string[]]$Output, '==== Summary')))
}

Describe 'build.ps1 Lab (examples/Invoke-ScenarioLab.ps1)' {
    It 'exits 0 with every check passed' {
        $ExitCode | Should -Be 0 -Because $Text
        $Summary | Where-Object { $_ -like 'FAIL *' } | Should -BeNullOrEmpty
        $Summary[-1] | Should -Match '^\d+ checks passed, 0 failed$'
    }

    It 'passes the check <Check>' -ForEach @(
        @{ Check = 'topo.yaml passes containerlab schema'; Actual = '0 errors, * findings' }
        @{ Check = 'peering policies match topo.yaml and cluster.yaml'; Actual = '0 findings' }
        @{ Check = 'Kind: 4 nodes'; Actual = 'clab-bgp-cplane-demo-control-plane,clab-bgp-cplane-demo-worker,clab-bgp-cplane-demo-worker2,clab-bgp-cplane-demo-worker3' }
        @{ Check = 'Kind: rack labels'; Actual = 'control-plane=rack0,worker=rack0,worker2=rack1,worker3=rack1' }
        @{ Check = 'Kind: node IPs'; Actual = '10.0.1.2,10.0.2.2,10.0.3.2,10.0.4.2' }
        @{ Check = 'Kind: all nodes NotReady'; Actual = '4 NotReady' }
        @{ Check = 'Fabric: router0–tor sessions Established'; Actual = '4 Established' }
        @{ Check = 'Fabric: tor sessions to the nodes down'; Actual = '4 not Established' }
        @{ Check = 'Fabric: router0 holds the 8 fabric routes'; Actual = '10.0.0.0/32,10.0.0.1/32,10.0.0.2/32,10.0.1.0/24,10.0.2.0/24,10.0.3.0/24,10.0.4.0/24,172.20.20.0/24' }
        @{ Check = 'Cilium: release 1.12.1 installed'; Actual = '1.12.1 Ready' }
        @{ Check = 'Cilium: both peering policies stored'; Actual = 'rack0,rack1' }
        @{ Check = 'Cilium BGP: tor iBGP sessions to the nodes Established'; Actual = 'tor0-10.0.1.2,tor0-10.0.2.2,tor1-10.0.3.2,tor1-10.0.4.2' }
        @{ Check = 'Cilium BGP: router0 holds 12 routes'; Actual = '10.0.0.0/32,10.0.0.1/32,10.0.0.2/32,10.0.1.0/24,10.0.2.0/24,10.0.3.0/24,10.0.4.0/24,10.1.0.0/24,10.1.1.0/24,10.1.2.0/24,10.1.3.0/24,172.20.20.0/24' }
        @{ Check = 'Data path: nettool-1 pings nettool-2'; Actual = '3 received (exit 0)' }
        @{ Check = 'Data path: traceroute -n nettool-1 -> nettool-2 hops'; Actual = '10.1.1.1 10.0.2.1 10.0.0.0 10.0.0.2 10.0.4.2 10.1.3.12' }
        @{ Check = 'cleanup: no lab container'; Actual = '' }
        @{ Check = 'cleanup: no clab network'; Actual = '' }
        @{ Check = 'cleanup: no lab veth on the host'; Actual = '' }
        @{ Check = 'cleanup: no lab directory'; Actual = '' }
        @{ Check = 'cleanup: no Kind cluster'; Actual = '' }
    ) {
        $line = @($Summary | Where-Object { $_.StartsWith("PASS  $Check") })
        $line.Count | Should -Be 1 -Because "the summary should have one PASS line for '$Check':`n$($Summary -join "`n")"
        $line[0] | Should -BeLikeExactly "*; actual $Actual"
    }

    It 'says which tools are stand-ins' {
        if (-not (Get-Command kind -CommandType Application -ErrorAction Ignore)) { $Text | Should -Match 'with the kind STAND-IN' }
        if (-not (Get-Command helm -CommandType Application -ErrorAction Ignore)) { $Text | Should -Match 'with the helm STAND-IN' }
    }

    It 'leaves nothing of the lab behind' {
        @(docker ps -a --format '{{.Names}}' | Where-Object { $_ -like 'clab-bgp-cplane-demo-*' }) | Should -BeNullOrEmpty
        @(docker network ls --format '{{.Name}}' | Where-Object { $_ -eq 'clab' }) | Should -BeNullOrEmpty
    }
}
