<#
.SYNOPSIS
    The main job: builds the reference scenario lab (../shared/scenario) end to end, checks it and tears it down.
.DESCRIPTION
    With BgpLab's cmdlets only, in the scenario's order:
      1. validates topo.yaml (containerlab schema + BgpLab rules) and the peering policies against the fabric;
      2. creates the Kind cluster from cluster.yaml (real kind when it is on PATH, else the kind stand-in);
      3. deploys the Containerlab fabric (FRR routers; servers in the Kind nodes' network namespaces) and waits
         for the router0–tor sessions and router0's 8 routes;
      4. installs Cilium 1.12.1 with helm (real, else the helm stand-in), applies the two CiliumBGPPeeringPolicies
         and, since no Cilium agent runs here, starts gobgpd (the BGP engine inside Cilium) in each Kind node with
         what the applied policies and the Kube nodes say (node IP, ASN, peer, Pod CIDR); waits for router0's 12 routes;
      5. data path: one network namespace per nettool Pod, routed through its node; ping and traceroute across racks;
      6. cleanup (unless -KeepLab), also on failure or Ctrl+C, and checks that nothing is left.
    Prints a PASS/FAIL line per check and exits 1 when any check fails.
    The lab uses the scenario's fixed names: do not run two at once (tests wrap it in flock /tmp/bgplab-docker.lock).
.PARAMETER ModulePath
    The module manifest to import (build.ps1 passes out/BgpLab/<version>/BgpLab.psd1).
.PARAMETER ScenarioPath
    The scenario folder; defaults to ../shared/scenario from the repository root.
.PARAMETER KeepLab
    Leave the lab running at the end (the cleanup commands are printed).
.PARAMETER TimeoutSec
    How long each wait (sessions, routes, Cilium) may take.
.EXAMPLE
    dotnet pwsh -NoProfile ./examples/Invoke-ScenarioLab.ps1 -ModulePath ./out/BgpLab/0.1.0/BgpLab.psd1 -KeepLab
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $ScenarioPath,
    [switch] $KeepLab,
    [int] $TimeoutSec = 120
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Resolve-Path $ModulePath).Path -Force

$RepoRoot = Split-Path $PSScriptRoot
if (-not $ScenarioPath) {
    # ../shared from the repository root; from a worktree nested deeper, the nearest shared/ above it.
    $dir = $RepoRoot
    do { $dir = Split-Path $dir } until (-not $dir -or (Test-Path (Join-Path $dir 'shared/scenario')))
    if (-not $dir) { throw "No shared/scenario folder above $PSScriptRoot; pass -ScenarioPath." }
    $ScenarioPath = Join-Path $dir 'shared/scenario'
}
$ScenarioPath = (Resolve-Path $ScenarioPath).Path
$topologyFile = Join-Path $ScenarioPath 'topo.yaml'
$clusterFile = Join-Path $ScenarioPath 'cluster.yaml'
$policyFile = Join-Path $ScenarioPath 'cilium-bgp-peering-policies.yaml'

$LabName = 'bgp-cplane-demo'
$ClusterName = 'clab-bgp-cplane-demo'
$Context = "kind-$ClusterName"
# The lab's working folder: a copy of topo.yaml (containerlab puts the lab directory beside it) and the kubeconfig.
$Work = Join-Path ([IO.Path]::GetTempPath()) 'bgplab-lab'
$Kubeconfig = Join-Path $Work 'kubeconfig'
$Kube = @{ Kubeconfig = $Kubeconfig; Context = $Context }
$FabricRoutes = '10.0.0.0/32', '172.20.20.0/24', '10.0.0.1/32', '10.0.1.0/24', '10.0.2.0/24', '10.0.0.2/32', '10.0.3.0/24', '10.0.4.0/24'
$Capabilities = 'NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'SYS_PTRACE'

$Checks = [Collections.Generic.List[object]]::new()
function Add-Check([string] $Name, $Expected, $Actual, [bool] $Pass) {
    $check = [pscustomobject]@{ Result = $(if ($Pass) { 'PASS' } else { 'FAIL' }); Check = $Name; Expected = "$Expected"; Actual = "$Actual" }
    $Checks.Add($check)
    Write-Host ("{0}  {1}: expected {2}; actual {3}" -f $check.Result, $Name, $check.Expected, $check.Actual)
}
function Compare-Set($Expected, $Actual) {
    $e = @($Expected | ForEach-Object { "$_" } | Sort-Object)
    $a = @($Actual | ForEach-Object { "$_" } | Sort-Object)
    ($e -join ',') -eq ($a -join ',')
}
function Show($InputObject) { $InputObject | Format-Table | Out-String -Width 200 | Out-Host }
function Step([string] $Text) { Write-Host "`n==== $Text" }

function Find-Tool([string] $Name, [string] $StandInProject) {
    # The real tool when it is on PATH; else the stand-in build.ps1 built (same command line, see tests/fixtures).
    $real = Get-Command $Name -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($real) { return [pscustomobject]@{ Path = $real.Source; StandIn = $false } }
    $standIn = Join-Path $RepoRoot "tests/fixtures/$StandInProject/bin/Release/net10.0/$Name"
    if (-not (Test-Path $standIn)) { throw "'$Name' is not on PATH and its stand-in $standIn is not built: run ./build.ps1 Lab." }
    [pscustomobject]@{ Path = $standIn; StandIn = $true }
}

function Get-GobgpEngine {
    # The engine lives in the module's AssemblyLoadContext; its resolver hands the assembly out by name.
    $engine = [Reflection.Assembly]::Load('BgpLab.Engine')
    [pscustomobject]@{
        StandIn = $engine.GetType('BgpLab.Engine.Frr.GobgpStandIn', $true)
        Spec    = $engine.GetType('BgpLab.Engine.Frr.GobgpStandInSpec', $true)
        Docker  = $engine.GetType('BgpLab.Engine.Docker.DockerEngine', $true)
        Null    = $engine.GetType('BgpLab.Engine.Common.NullObserver', $true)
    }
}

function Remove-Lab {
    # Scenario step 6, in reverse order of creation; every part is removed even when another part fails.
    Step 'Cleanup (scenario step 6)'
    $gobgp = Get-GobgpEngine
    foreach ($c in @(docker ps -a --filter "label=$($gobgp.StandIn::Label)" --format '{{.Label "bgplab.standin.node"}}')) {
        if ($c -like "$ClusterName-*") {
            try { $gobgp.StandIn::RemoveAsync($gobgp.Docker::Default, $c, [Threading.CancellationToken]::None).GetAwaiter().GetResult() | Out-Null }
            catch { Write-Warning "removing the gobgpd stand-in of ${c}: $_" }
        }
    }
    if (Get-ClabLab -Name $LabName -ErrorAction Ignore) {
        try { Remove-ClabTopology -Name $LabName -Confirm:$false -WarningAction SilentlyContinue | Out-Null } catch { Write-Warning "Remove-ClabTopology: $_" }
    }
    $kind = Find-Tool kind KindStandIn
    try { Remove-KindCluster -Name $ClusterName -KindPath $kind.Path -Kubeconfig $Kubeconfig -Confirm:$false | Out-Null } catch { Write-Warning "Remove-KindCluster: $_" }
    if (Test-Path $Work) { Remove-Item $Work -Recurse -Force }
}

function Test-NothingLeft {
    $containers = @(docker ps -a --format '{{.Names}}' | Where-Object { $_ -like "clab-$LabName-*" -or $_ -like "$ClusterName-*" })
    Add-Check 'cleanup: no lab container' '(none)' ($containers -join ',') ($containers.Count -eq 0)
    $networks = @(docker network ls --format '{{.Name}}' | Where-Object { $_ -eq 'clab' })
    Add-Check 'cleanup: no clab network' '(none)' ($networks -join ',') ($networks.Count -eq 0)
    # containerlab's host-side veth ends are named after the lab's interfaces; a leftover one would show up here.
    $veths = @(ip -o link show type veth | Where-Object { $_ -match 'net[0-9]|clab' } | ForEach-Object { ($_ -split ':\s*')[1] })
    Add-Check 'cleanup: no lab veth on the host' '(none)' ($veths -join ',') ($veths.Count -eq 0)
    $labDir = Join-Path $Work "clab-$LabName"
    Add-Check 'cleanup: no lab directory' '(none)' $(if (Test-Path $labDir) { $labDir } else { '' }) (-not (Test-Path $labDir))
    $clusters = @(Get-KindCluster -ErrorAction Ignore | Where-Object Name -eq $ClusterName)
    Add-Check 'cleanup: no Kind cluster' '(none)' (($clusters | ForEach-Object Name) -join ',') ($clusters.Count -eq 0)
}

$failed = $false
$started = $false
$completed = $false
try {
    # ---------------------------------------------------------------- 1. validation
    Step "1. Validation: $topologyFile"
    $topology = Import-ClabTopology -Path $topologyFile
    Show $topology
    Show $topology.Nodes
    $findings = @(Test-ClabTopology -Path $topologyFile)
    Show $findings
    $errors = @($findings | Where-Object Severity -eq 'Error')
    Add-Check 'topo.yaml passes containerlab schema v0.79.0 + BgpLab rules' '0 errors' "$($errors.Count) errors, $($findings.Count) findings" ($errors.Count -eq 0)
    $policies = @(Import-CiliumBgpPeeringPolicy -Path $policyFile)
    Show $policies
    $configFindings = @($policies | Test-BgpLabConfig -TopologyPath $topologyFile -ClusterConfigPath $clusterFile)
    Show $configFindings
    Add-Check 'peering policies match topo.yaml and cluster.yaml (Test-BgpLabConfig)' '0 findings' "$($configFindings.Count) findings" ($configFindings.Count -eq 0)
    if ($errors -or ($configFindings | Where-Object Severity -eq 'Error')) { throw 'The scenario files are not valid; see the findings above.' }

    # Leftovers of an earlier run (-KeepLab, or a killed run) would make kind refuse the cluster name.
    if (@(docker ps -a -q --filter "label=io.x-k8s.kind.cluster=$ClusterName").Count -or @(docker ps -a -q --filter "label=containerlab=$LabName").Count) {
        Write-Host 'A lab from an earlier run is still there: removing it first.'
        Remove-Lab
    }
    # From here on the lab exists in part: the cleanup below owns it.
    $started = $true
    New-Item -ItemType Directory -Force $Work | Out-Null
    Copy-Item $topologyFile $Work -Force

    # ---------------------------------------------------------------- 2. Kind cluster
    $kind = Find-Tool kind KindStandIn
    Step "2. Kind cluster from cluster.yaml with $(if ($kind.StandIn) { "the kind STAND-IN ($($kind.Path)): kind is not on PATH, so node containers come from bgplab/kind-node and Node objects live in a Kubernetes API double" } else { "kind ($($kind.Path))" })"
    $cluster = New-KindCluster -ConfigPath $clusterFile -KindPath $kind.Path -Kubeconfig $Kubeconfig
    Show $cluster
    $kindNodes = @(Get-KindNode -Cluster $ClusterName -Kubeconfig $Kubeconfig)
    Show $kindNodes
    $nodes = @(Get-KubeNode @Kube)
    Show $nodes
    $expectedNodes = 'control-plane', 'worker', 'worker2', 'worker3' | ForEach-Object { "$ClusterName-$_" }
    Add-Check 'Kind: 4 nodes with kind''s container names' ($expectedNodes -join ',') ($nodes.Name -join ',') (Compare-Set $expectedNodes $nodes.Name)
    $racks = $nodes | ForEach-Object { "$($_.Name -replace "^$ClusterName-")=$($_.Labels['rack'])" }
    $expectedRacks = 'control-plane=rack0', 'worker=rack0', 'worker2=rack1', 'worker3=rack1'
    Add-Check 'Kind: rack labels' ($expectedRacks -join ',') ($racks -join ',') (Compare-Set $expectedRacks $racks)
    Add-Check 'Kind: node IPs from the kubeadm patches' '10.0.1.2,10.0.2.2,10.0.3.2,10.0.4.2' ($nodes.InternalIP -join ',') (Compare-Set @('10.0.1.2', '10.0.2.2', '10.0.3.2', '10.0.4.2') $nodes.InternalIP)
    $notReady = @($nodes | Where-Object { -not $_.Ready })
    Add-Check 'Kind: all nodes NotReady (no CNI yet)' '4 NotReady' "$($notReady.Count) NotReady" ($notReady.Count -eq 4)

    # ---------------------------------------------------------------- 3. fabric
    Step '3. Fabric: Deploy-ClabTopology topo.yaml'
    $deploy = @{ Path = (Join-Path $Work 'topo.yaml'); TimeoutSec = $TimeoutSec }
    & docker run --rm --privileged --network none bgplab/frr:latest true *> $null
    if ($LASTEXITCODE -ne 0) {
        Write-Host "Privileged containers cannot start on this host: nodes run with -Capability $($Capabilities -join ',')."
        $deploy.Capability = $Capabilities
    }
    $lab = Deploy-ClabTopology @deploy -WarningAction SilentlyContinue
    Show $lab
    Show (Get-ClabLab -Name $LabName)
    Show (Get-ClabNode -Lab $LabName)
    $sessions = @(Wait-FrrBgpSession -Lab $LabName -Node router0, tor0, tor1 -Neighbor net0, net1 -TimeoutSec $TimeoutSec)
    Add-Check 'Fabric: router0–tor sessions Established (both ends)' '4 Established' "$(@($sessions | Where-Object { "$($_.State)" -eq 'Established' }).Count) Established" (@($sessions | Where-Object { "$($_.State)" -eq 'Established' }).Count -eq 4)
    Get-FrrBgpSummary -Lab $LabName -Node router0, tor0, tor1 -AddressFamily ipv4 | Out-Host
    $down = @(Get-FrrBgpSummary -Lab $LabName -Node tor0, tor1 -AddressFamily ipv4 | Where-Object Neighbor -like '10.0.*')
    Add-Check 'Fabric: tor sessions to the nodes down (no BGP speaker yet)' '4 not Established' "$(@($down | Where-Object { "$($_.State)" -ne 'Established' }).Count) not Established" (@($down | Where-Object { "$($_.State)" -ne 'Established' }).Count -eq 4)
    Wait-FrrBgpRoute -Lab $LabName -Node router0 -Count 8 -TimeoutSec $TimeoutSec | Out-Null
    $routes = @(Get-FrrBgpRoute -Lab $LabName -Node router0 -BestOnly)
    $routes | Out-Host
    Add-Check 'Fabric: router0 holds the 8 fabric routes' ($FabricRoutes -join ',') (($routes.Prefix | ForEach-Object ToString) -join ',') (Compare-Set $FabricRoutes ($routes.Prefix | ForEach-Object ToString))

    # ---------------------------------------------------------------- 4. Cilium
    $helm = Find-Tool helm HelmStandIn
    Step "4. Cilium 1.12.1 with $(if ($helm.StandIn) { "the helm STAND-IN ($($helm.Path)): helm is not on PATH, so the release's objects are written to the cluster's API and no Cilium agent runs" } else { "helm ($($helm.Path))" })"
    $installation = Install-Cilium -Version 1.12.1 -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8 -ValuesPath (Join-Path $ScenarioPath 'values.yaml') `
        -HelmPath $helm.Path -TimeoutSec $TimeoutSec @Kube
    Show $installation
    Add-Check 'Cilium: release 1.12.1 installed, operator and agents ready' '1.12.1 Ready' "$($installation.Version) $(if ($installation.Ready) { 'Ready' } else { 'NotReady' })" ($installation.Version -eq '1.12.1' -and $installation.Ready)
    if ($kind.StandIn) {
        # cilium-operator registers Cilium's CRDs when it starts; with no operator here, the lab registers the same
        # CRDs (src/BgpLab.Engine/Cilium/Crds, from Cilium's source) in the API double.
        $server = [regex]::Match((Get-Content $Kubeconfig -Raw), 'server:\s*(\S+)').Groups[1].Value
        foreach ($crd in Get-ChildItem (Join-Path $RepoRoot 'src/BgpLab.Engine/Cilium/Crds') -Filter '*.yaml') {
            Invoke-RestMethod -Method Post -Uri "$server/apis/apiextensions.k8s.io/v1/customresourcedefinitions" -ContentType 'application/yaml' `
                -Body (Get-Content $crd.FullName -Raw) -Headers @{ Authorization = 'Bearer kind-standin' } | Out-Null
        }
        Write-Host "Registered Cilium's CRDs in the API double (what cilium-operator does on a real cluster)."
    }
    Import-CiliumBgpPeeringPolicy -Path $policyFile | Set-CiliumBgpPeeringPolicy @Kube
    $applied = @(Get-CiliumBgpPeeringPolicy @Kube)
    Show $applied
    Add-Check 'Cilium: both peering policies stored in the cluster' 'rack0,rack1' ($applied.Name -join ',') (Compare-Set @('rack0', 'rack1') $applied.Name)

    # No Cilium agent runs here: gobgpd stands in for each node's BGP speaker, configured from what the agent would
    # read — the policy selecting the node (ASN, neighbor) and the node object (IP, Pod CIDR).
    $gobgp = Get-GobgpEngine
    $nodes = @(Get-KubeNode @Kube)
    foreach ($node in $nodes) {
        $policy = @($applied | Where-Object { -not $_.NodeSelector -or $_.NodeSelector.Matches($node.Labels) }) | Select-Object -First 1
        if (-not $policy) { Write-Host "$($node.Name): no peering policy selects it, no BGP speaker"; continue }
        foreach ($router in $policy.VirtualRouters) {
            foreach ($neighbor in $router.Neighbors) {
                $spec = $gobgp.Spec::new($node.Name, $node.InternalIP, $router.LocalAsn, $node.PodCidrs[0], ($neighbor.PeerAddress -replace '/\d+$'), $neighbor.PeerAsn)
                $container = $gobgp.StandIn::StartAsync($gobgp.Docker::Default, $spec, $gobgp.Null::Instance, [Threading.CancellationToken]::None, 'bgplab/kind-node:latest').GetAwaiter().GetResult()
                Write-Host "$container`: gobgpd for policy $($policy.Name): AS $($router.LocalAsn), router-id $($node.InternalIP), announces $($node.PodCidrs[0]), peer $($neighbor.PeerAddress) AS $($neighbor.PeerAsn)"
            }
        }
    }
    $nodeSessions = @(Wait-FrrBgpSession -Lab $LabName -Node tor0, tor1 -Neighbor 10.0.1.2, 10.0.2.2, 10.0.3.2, 10.0.4.2 -TimeoutSec $TimeoutSec)
    $nodeSessions | Out-Host
    $established = @($nodeSessions | Where-Object { "$($_.State)" -eq 'Established' } | ForEach-Object { "$($_.Router)-$($_.Neighbor)" })
    $expectedSessions = 'tor0-10.0.1.2', 'tor0-10.0.2.2', 'tor1-10.0.3.2', 'tor1-10.0.4.2'
    Add-Check 'Cilium BGP: tor iBGP sessions to the nodes Established' ($expectedSessions -join ',') ($established -join ',') (Compare-Set $expectedSessions $established)
    $podCidrs = @($nodes | ForEach-Object { $_.PodCidrs[0] })
    Wait-FrrBgpRoute -Lab $LabName -Node router0 -Count 12 -TimeoutSec $TimeoutSec | Out-Null
    $routes = @(Get-FrrBgpRoute -Lab $LabName -Node router0 -BestOnly)
    $routes | Out-Host
    $expectedRoutes = $FabricRoutes + $podCidrs
    Add-Check 'Cilium BGP: router0 holds 12 routes (fabric + 4 Pod CIDRs)' ($expectedRoutes -join ',') (($routes.Prefix | ForEach-Object ToString) -join ',') (Compare-Set $expectedRoutes ($routes.Prefix | ForEach-Object ToString))
    Show (Get-KubeNode @Kube)
    if ($helm.StandIn) { Write-Host 'Nodes stay NotReady: no Cilium agent (CNI) runs on the stand-in nodes.' }

    # ---------------------------------------------------------------- 5. data path
    Step '5. Data path: the nettool Pods as network namespaces routed through their nodes'
    # What Cilium's native routing does on a node: cilium_host (a veth pair with cilium_net) holds the node's
    # router IP from its Pod CIDR, each Pod is a network namespace behind an lxc veth with a /32 route. The
    # commands run through the clab server that shares the Kind node's network namespace.
    $nettool = Get-Content (Join-Path $ScenarioPath 'nettool.yaml') -Raw
    $pods = foreach ($doc in $nettool -split '(?m)^---\s*$') {
        $name = [regex]::Match($doc, '(?m)^  name:\s*(\S+)').Groups[1].Value
        $rack = [regex]::Match($doc, '(?m)^\s+rack:\s*(\S+)').Groups[1].Value
        if ($name) { [pscustomobject]@{ Name = $name; Rack = $rack } }
    }
    $placed = [Collections.Generic.List[object]]::new()
    $index = 0
    foreach ($pod in $pods) {
        # As in the scenario README's example: the Pod lands on the last worker of its rack (server1 / server3).
        $node = @($nodes | Where-Object { $_.Labels['rack'] -eq $pod.Rack -and $_.Roles -notcontains 'control-plane' } | Sort-Object Name)[-1]
        $suffix = $node.Name -replace "^$ClusterName-"
        $server = ($topology.Nodes | Where-Object NetworkMode -eq "container:$suffix").Name
        $prefix = $node.PodCidrs[0] -replace '\.\d+/\d+$'
        $index++
        $entry = [pscustomobject]@{
            Pod = $pod.Name; Node = $node.Name; Server = $server; NodeIP = $node.InternalIP
            RouterIP = "$prefix.1"; PodIP = "$prefix.$(10 + $index)"; Veth = "lxc$index"
        }
        $argvs = @(
            @('ip', 'link', 'add', 'cilium_host', 'type', 'veth', 'peer', 'name', 'cilium_net'),
            @('ip', 'addr', 'add', "$($entry.RouterIP)/32", 'dev', 'cilium_host'),
            @('ip', 'link', 'set', 'cilium_host', 'up'),
            @('ip', 'link', 'set', 'cilium_net', 'up'),
            @('ip', 'netns', 'add', $entry.Pod),
            @('ip', 'link', 'add', $entry.Veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', $entry.Pod),
            @('ip', 'link', 'set', $entry.Veth, 'up'),
            @('ip', 'route', 'add', "$($entry.PodIP)/32", 'dev', $entry.Veth, 'src', $entry.RouterIP),
            @('ip', 'netns', 'exec', $entry.Pod, 'ip', 'link', 'set', 'lo', 'up'),
            @('ip', 'netns', 'exec', $entry.Pod, 'ip', 'addr', 'add', "$($entry.PodIP)/32", 'dev', 'eth0'),
            @('ip', 'netns', 'exec', $entry.Pod, 'ip', 'link', 'set', 'eth0', 'up'),
            @('ip', 'netns', 'exec', $entry.Pod, 'ip', 'route', 'add', $entry.RouterIP, 'dev', 'eth0'),
            @('ip', 'netns', 'exec', $entry.Pod, 'ip', 'route', 'add', 'default', 'via', $entry.RouterIP, 'dev', 'eth0'))
        foreach ($argv in $argvs) {
            $r = Invoke-ClabNodeCommand -Lab $LabName -Node $server -Command $argv
            if (-not $r.Succeeded) { throw "$server`: $($argv -join ' ') failed: $($r.Stderr.Trim())" }
        }
        $placed.Add($entry)
    }
    Show $placed
    $src, $dst = $placed[0], $placed[1]
    $ping = Invoke-ClabNodeCommand -Lab $LabName -Node $src.Server -Command ip, netns, exec, $src.Pod, ping, -c, 3, -W, 2, $dst.PodIP
    Write-Host $ping.Stdout
    $received = [regex]::Match($ping.Stdout, '(\d+) received').Groups[1].Value
    Add-Check "Data path: $($src.Pod) pings $($dst.Pod) ($($dst.PodIP))" '3 received' "$received received (exit $($ping.ExitCode))" ($ping.Succeeded -and $received -eq '3')
    $trace = Invoke-ClabNodeCommand -Lab $LabName -Node $src.Server -Command ip, netns, exec, $src.Pod, traceroute, -n, -q, 1, -w, 2, -m, 10, $dst.PodIP
    Write-Host $trace.Stdout
    $hops = @([regex]::Matches($trace.Stdout, '(?m)^\s*\d+\s+(\S+)') | ForEach-Object { $_.Groups[1].Value })
    # The scenario README's hops: source node's cilium_host, the source ToR's address on the source server's subnet
    # (the server's default gateway), router0's loopback, the destination ToR's loopback (the destination policy's
    # peer), the destination server's net0 (its node IP), the Pod.
    $dstPolicy = @($applied | Where-Object { $_.NodeSelector.Matches(($nodes | Where-Object Name -eq $dst.Node).Labels) })[0]
    $expectedHops = @($src.RouterIP, ($src.NodeIP -replace '\.\d+$', '.1'), '10.0.0.0',
        ($dstPolicy.VirtualRouters[0].Neighbors[0].PeerAddress -replace '/\d+$'), $dst.NodeIP, $dst.PodIP)
    Add-Check "Data path: traceroute -n $($src.Pod) -> $($dst.Pod) hops" ($expectedHops -join ' ') ($hops -join ' ') (($hops -join ' ') -eq ($expectedHops -join ' '))
    $completed = $true
}
catch {
    $failed = $true
    Write-Host "ERROR: $($_.Exception.Message)" -ForegroundColor Red
    Write-Host ($_.ScriptStackTrace)
}
finally {
    # Runs on failure and on Ctrl+C as well.
    if ($KeepLab) {
        Write-Host "`nThe lab is left running (-KeepLab). KUBECONFIG=$Kubeconfig; remove it with:"
        Write-Host "    Remove-ClabTopology -Name $LabName; Remove-KindCluster -Name $ClusterName -Kubeconfig $Kubeconfig (gobgpd stand-ins: docker rm -f `$(docker ps -aq --filter label=bgplab.standin))"
    }
    elseif ($started) {
        Remove-Lab
        Test-NothingLeft
    }
    Step 'Summary'
    foreach ($c in $Checks) { Write-Host ("{0}  {1}: expected {2}; actual {3}" -f $c.Result, $c.Check, $c.Expected, $c.Actual) }
    $failedChecks = @($Checks | Where-Object Result -eq 'FAIL').Count
    Write-Host "$($Checks.Count - $failedChecks) checks passed, $failedChecks failed$(if ($failed) { '; the lab stopped early (see ERROR above)' })"
    # Neither finished nor failed: stopped by Ctrl+C. The exit code says so (as a shell reports SIGINT).
    if (-not $completed -and -not $failed) { Write-Host 'INTERRUPTED: the lab run was stopped before its last step.'; [Environment]::Exit(130) }
}
if ($failed -or @($Checks | Where-Object Result -eq 'FAIL').Count) { exit 1 }
exit 0
