<#
.SYNOPSIS
    Pester example: the reference scenario's BGP story asserted on real FRR routers.
.DESCRIPTION
    Deploys ../shared/scenario/topo.yaml on Kind node stand-ins, then checks what the scenario README says:
    the router0–tor sessions are Established with the right remote ASNs, tor0's sessions to the nodes are not
    (no BGP speaker yet), router0 holds exactly 8 routes; after gobgpd stand-ins for Cilium start in the four
    nodes, every node session becomes Established and router0 holds 12 routes.
    Uses the scenario's fixed names: run it under flock /tmp/bgplab-docker.lock.
.EXAMPLE
    $env:BGPLAB_MODULE = './out/BgpLab/0.1.0/BgpLab.psd1'; Invoke-Pester ./examples/Scenario.Fabric.Tests.ps1
#>
BeforeAll {
    Import-Module ($env:BGPLAB_MODULE ?? (Join-Path $PSScriptRoot '../out/BgpLab/0.1.0/BgpLab.psd1')) -Force
    . (Join-Path $PSScriptRoot '../tests/fixtures/scenario/ScenarioStandIns.ps1')
    $dir = Split-Path $PSScriptRoot
    do { $dir = Split-Path $dir } until (-not $dir -or (Test-Path (Join-Path $dir 'shared/scenario/topo.yaml')))
    $script:Work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bgplab-example-$PID")
    Copy-Item (Join-Path $dir 'shared/scenario/topo.yaml') $Work
    $global:BgpLabCapability = 'NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'SYS_PTRACE'

    New-KindNodeStandIn | Out-Null
    Deploy-ClabTopology -Path (Join-Path $Work 'topo.yaml') -WarningAction SilentlyContinue | Out-Null
    $script:Lab = 'bgp-cplane-demo'
    $script:FabricRoutes = '10.0.0.0/32', '172.20.20.0/24', '10.0.0.1/32', '10.0.1.0/24', '10.0.2.0/24', '10.0.0.2/32', '10.0.3.0/24', '10.0.4.0/24'
    $script:PodCidrs = '10.1.0.0/24', '10.1.1.0/24', '10.1.2.0/24', '10.1.3.0/24'
}

AfterAll {
    Remove-GobgpStandIn
    Remove-ClabTopology -Name bgp-cplane-demo -Confirm:$false -ErrorAction SilentlyContinue
    Remove-KindNodeStandIn
    Remove-Variable -Name BgpLabCapability -Scope Global -ErrorAction SilentlyContinue
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The scenario fabric before the Kind nodes speak BGP' {
    BeforeAll {
        Wait-FrrBgpSession -Lab $Lab -Node tor0, tor1, router0 -Neighbor net0, net1 -TimeoutSec 90 | Out-Null
        Wait-FrrBgpRoute -Lab $Lab -Node router0 -Count 8 -TimeoutSec 60 | Out-Null
        $script:Peers = Get-FrrBgpSummary -Lab $Lab -Node tor0, tor1, router0 -AddressFamily ipv4
    }

    It 'has the router0–tor sessions Established with the right remote ASNs' {
        $up = $Peers | Where-Object Neighbor -like 'net*'
        $up.Count | Should -Be 4
        $up | ForEach-Object { "$($_.State)" | Should -Be 'Established' }
        ($Peers | Where-Object { $_.Router -eq 'router0' -and $_.Neighbor -eq 'net0' }).RemoteAs | Should -Be 65010
        ($Peers | Where-Object { $_.Router -eq 'router0' -and $_.Neighbor -eq 'net1' }).RemoteAs | Should -Be 65011
        ($Peers | Where-Object { $_.Router -eq 'tor0' -and $_.Neighbor -eq 'net0' }).RemoteAs | Should -Be 65000
        ($Peers | Where-Object { $_.Router -eq 'tor1' -and $_.Neighbor -eq 'net0' }).RemoteAs | Should -Be 65000
    }

    It 'has tor0''s sessions to 10.0.1.2 and 10.0.2.2 not Established' {
        $nodes = $Peers | Where-Object { $_.Router -eq 'tor0' -and $_.Neighbor -in '10.0.1.2', '10.0.2.2' }
        $nodes.Count | Should -Be 2
        $nodes | ForEach-Object { "$($_.State)" | Should -Not -Be 'Established' }
    }

    It 'has exactly the 8 fabric routes on router0' {
        $routes = Get-FrrBgpRoute -Lab $Lab -Node router0 -BestOnly
        $routes.Count | Should -Be 8
        ($routes.Prefix | ForEach-Object ToString | Sort-Object) | Should -Be ($FabricRoutes | Sort-Object)
    }
}

Describe 'The scenario fabric with BGP speakers on the Kind nodes' {
    BeforeAll {
        Start-GobgpStandIn | Out-Null
    }

    It 'brings every node session up' {
        $sessions = Wait-FrrBgpSession -Lab $Lab -Node tor0, tor1 -Neighbor 10.0.1.2, 10.0.2.2, 10.0.3.2, 10.0.4.2 -TimeoutSec 90
        $sessions.Count | Should -Be 4
        $sessions | ForEach-Object { "$($_.State)" | Should -Be 'Established' }
        ($sessions | Where-Object Router -eq 'tor0').RemoteAs | Should -Be 65010, 65010
        ($sessions | Where-Object Router -eq 'tor1').RemoteAs | Should -Be 65011, 65011
    }

    It 'gives router0 the 12 routes: the fabric''s 8 and the four Pod CIDRs' {
        Wait-FrrBgpRoute -Lab $Lab -Node router0 -Prefix $PodCidrs -TimeoutSec 60 | Out-Null
        $routes = Get-FrrBgpRoute -Lab $Lab -Node router0 -BestOnly
        $routes.Count | Should -Be 12
        ($routes.Prefix | ForEach-Object ToString | Sort-Object) | Should -Be (($FabricRoutes + $PodCidrs) | Sort-Object)
    }
}
