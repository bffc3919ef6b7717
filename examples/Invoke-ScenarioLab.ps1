<#
.SYNOPSIS
    The main job: brings up and checks the reference scenario lab (../shared/scenario).
.DESCRIPTION
    For now: imports the BgpLab module, reads the scenario's Containerlab topology, validates it against
    containerlab's schema and BgpLab's rules, and shows the lab, its nodes, its links and the findings.
    Later steps (Kind cluster, fabric deploy, Cilium, checks) are added here as the module grows.
.PARAMETER ModulePath
    The module manifest to import (build.ps1 passes out/BgpLab/<version>/BgpLab.psd1).
.PARAMETER ScenarioPath
    The scenario folder; defaults to ../shared/scenario from the repository root.
.EXAMPLE
    dotnet pwsh -NoProfile ./examples/Invoke-ScenarioLab.ps1 -ModulePath ./out/BgpLab/0.1.0/BgpLab.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ScenarioPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath -Force

if (-not $ScenarioPath) {
    # ../shared from the repository root; from a worktree nested deeper, the nearest shared/ above it.
    $dir = Split-Path $PSScriptRoot
    do { $dir = Split-Path $dir } until (-not $dir -or (Test-Path (Join-Path $dir 'shared/scenario')))
    if (-not $dir) { throw "No shared/scenario folder above $PSScriptRoot; pass -ScenarioPath." }
    $ScenarioPath = Join-Path $dir 'shared/scenario'
}
$topologyFile = Join-Path $ScenarioPath 'topo.yaml'

Write-Host "== Topology $topologyFile"
$topology = Import-ClabTopology -Path $topologyFile
$topology | Format-Table | Out-String -Width 180 | Out-Host
$topology.Nodes | Format-Table | Out-String -Width 180 | Out-Host
$topology.Links | Format-Table | Out-String -Width 180 | Out-Host

Write-Host '== Validation (containerlab schema v0.79.0 + BgpLab rules)'
$findings = @(Test-ClabTopology -Path $topologyFile)
$findings | Format-Table | Out-String -Width 180 | Out-Host
$errors = @($findings | Where-Object Severity -eq 'Error')
if ($errors) {
    Write-Error "The scenario topology has $($errors.Count) error(s); see above." -ErrorAction Continue
    exit 1
}
Write-Host "Topology '$($topology.Name)' is valid: $($topology.Nodes.Count) nodes, $($topology.Links.Count) links, $($findings.Count) note(s)."

# Cilium (scenario steps 3 and 4 as intent): the chart values for v1.12.1 and the peering policies,
# cross-checked against the ToRs' FRR configuration and the Kind nodes before anything is deployed.
Write-Host '== Cilium values for chart 1.12.1 (Install-Cilium -WhatIf)'
Install-Cilium -Version 1.12.1 -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8 -WhatIf
$policies = Import-CiliumBgpPeeringPolicy -Path (Join-Path $ScenarioPath 'cilium-bgp-peering-policies.yaml')
Write-Host '== Cilium BGP peering policies'
$policies | Format-Table | Out-String -Width 180 | Out-Host
Write-Host '== Test-BgpLabConfig (policies vs topo.yaml FRR config and cluster.yaml nodes)'
$configFindings = @($policies | Test-BgpLabConfig -TopologyPath $topologyFile -ClusterConfigPath (Join-Path $ScenarioPath 'cluster.yaml'))
$configFindings | Format-Table | Out-String -Width 180 | Out-Host
if ($configFindings | Where-Object Severity -eq 'Error') {
    Write-Error "The peering policies do not match the fabric; see above." -ErrorAction Continue
    exit 1
}
Write-Host "Peering policies match the fabric: $($policies.Count) policies, $($configFindings.Count) finding(s)."
