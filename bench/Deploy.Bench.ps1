<#
.SYNOPSIS
    Deploy and destroy times of Deploy-ClabTopology / Remove-ClabTopology against a baseline measured in the
    same run: plain create+start (and force-remove) of the same number of containers through the same
    Docker engine client, with the same parallelism.
.DESCRIPTION
    Fabrics: the reference scenario (7 nodes, 6 links, FRR execs) on Kind-node stand-ins, and generated Clos
    fabrics of 10 and 50 linux nodes (spines x leaves full mesh). Every lab gets a unique name and its own
    management network (docker-chosen subnet), so the bench never collides with tests. Needs root and the
    test images (build.ps1 Images).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $MaxWorkers = [Environment]::ProcessorCount
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $ModulePath
$Capabilities = 'NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'SYS_PTRACE'
$Image = 'bgplab/frr:latest'
$Work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) ("bgplab-bench-" + [guid]::NewGuid().ToString('N').Substring(0, 6)))

# The baseline uses the module's own Docker client (the engine's DockerEngine, from the module's load context).
Get-ClabLab | Out-Null
$assemblies = [AppDomain]::CurrentDomain.GetAssemblies()
$engineAssembly = $assemblies | Where-Object { $_.GetName().Name -eq 'BgpLab.Engine' } | Select-Object -First 1
$dockerAssembly = $assemblies | Where-Object { $_.GetName().Name -eq 'Docker.DotNet' } | Select-Object -First 1
$engineType = $engineAssembly.GetType('BgpLab.Engine.Docker.DockerEngine')
$client = $engineType::Default.ConnectAsync([Threading.CancellationToken]::None).GetAwaiter().GetResult()
function New-DockerModel([string] $Name) { [Activator]::CreateInstance($dockerAssembly.GetType("Docker.DotNet.Models.$Name")) }
function Wait-All($Tasks) { if ($Tasks) { [Threading.Tasks.Task]::WaitAll([Threading.Tasks.Task[]]@($Tasks)) } }

function Measure-Baseline([int] $Count, [string] $Prefix) {
    # Plain create+start of $Count containers, $MaxWorkers at a time, then their removal.
    $names = 1..$Count | ForEach-Object { "$Prefix-$_" }
    $create = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i += $MaxWorkers) {
        $batch = $names[$i..([Math]::Min($i + $MaxWorkers, $Count) - 1)]
        Wait-All ($batch | ForEach-Object {
            $p = New-DockerModel CreateContainerParameters
            $p.Name = $_; $p.Image = $Image; $p.Tty = $true; $p.OpenStdin = $true
            $p.Cmd = [Collections.Generic.List[string]]@('bash')
            $p.HostConfig = New-DockerModel HostConfig
            $p.HostConfig.CapAdd = [Collections.Generic.List[string]]$Capabilities
            $client.Containers.CreateContainerAsync($p, [Threading.CancellationToken]::None)
        })
        Wait-All ($batch | ForEach-Object { $client.Containers.StartContainerAsync($_, (New-DockerModel ContainerStartParameters), [Threading.CancellationToken]::None) })
    }
    $create.Stop()
    $remove = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $Count; $i += [Math]::Max(4, $MaxWorkers)) {
        $batch = $names[$i..([Math]::Min($i + [Math]::Max(4, $MaxWorkers), $Count) - 1)]
        Wait-All ($batch | ForEach-Object {
            $r = New-DockerModel ContainerRemoveParameters; $r.Force = $true
            $client.Containers.RemoveContainerAsync($_, $r, [Threading.CancellationToken]::None)
        })
    }
    $remove.Stop()
    [pscustomobject]@{ Create = $create.Elapsed; Remove = $remove.Elapsed }
}

function New-ClosTopology([string] $Name, [int] $Nodes) {
    $spines = [Math]::Max(2, [int][Math]::Ceiling($Nodes / 12))
    $leaves = $Nodes - $spines
    $lines = @("name: $Name", 'mgmt:', "  network: $Name", '  ipv4-subnet: auto', 'topology:', '  kinds:', '    linux:',
               "      image: $Image", '      cmd: bash', '  nodes:')
    $lines += 1..$spines | ForEach-Object { "    spine$($_): {kind: linux}" }
    $lines += 1..$leaves | ForEach-Object { "    leaf$($_): {kind: linux}" }
    $lines += '  links:'
    foreach ($s in 1..$spines) { foreach ($l in 1..$leaves) { $lines += "  - endpoints: [`"spine$($s):e$l`", `"leaf$($l):e$s`"]" } }
    $path = Join-Path $Work "$Name.clab.yml"
    Set-Content $path ($lines -join "`n")
    [pscustomobject]@{ Path = $path; Links = $spines * $leaves }
}

function New-ScenarioTopology([string] $Name) {
    # The scenario file under a unique lab name and management network; stand-ins named as Kind would for cluster clab-<name>.
    # ../shared beside the repository (the nearest shared/scenario above it, for nested worktrees).
    $dir = Split-Path $PSScriptRoot
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/scenario/topo.yaml'))) { $dir = Split-Path $dir }
    if (-not $dir) { throw "no shared/scenario/topo.yaml above $PSScriptRoot" }
    $text = Get-Content (Join-Path $dir 'shared/scenario/topo.yaml') -Raw
    $text = $text -replace '(?m)^name: bgp-cplane-demo', "name: $Name`nmgmt:`n  network: $Name`n  ipv4-subnet: auto"
    $path = Join-Path $Work "$Name.clab.yml"
    Set-Content $path $text
    foreach ($role in 'control-plane', 'worker', 'worker2', 'worker3') {
        docker run -d --name "clab-$Name-$role" --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN -t bgplab/kind-node:latest bash | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "could not start the Kind stand-in clab-$Name-$role" }
    }
    [pscustomobject]@{ Path = $path; Links = 6 }
}

$results = @()
$suffix = [guid]::NewGuid().ToString('N').Substring(0, 6)
$cases = @(
    @{ Label = 'scenario (7 nodes)'; Nodes = 7; Make = { New-ScenarioTopology "bench-scn-$suffix" }; Name = "bench-scn-$suffix" },
    @{ Label = 'clos 10'; Nodes = 10; Make = { New-ClosTopology "bench-c10-$suffix" 10 }; Name = "bench-c10-$suffix" },
    @{ Label = 'clos 50'; Nodes = 50; Make = { New-ClosTopology "bench-c50-$suffix" 50 }; Name = "bench-c50-$suffix" }
)
try {
    foreach ($case in $cases) {
        $topo = & $case.Make
        $baseline = Measure-Baseline $case.Nodes "bench-base-$suffix"
        $deploy = [Diagnostics.Stopwatch]::StartNew()
        $lab = Deploy-ClabTopology -Path $topo.Path -Capability $Capabilities -MaxWorkers $MaxWorkers -WarningAction SilentlyContinue
        $deploy.Stop()
        $destroy = [Diagnostics.Stopwatch]::StartNew()
        Remove-ClabTopology -Path $topo.Path -Confirm:$false
        $destroy.Stop()
        if ($case.Name -like 'bench-scn-*') { docker rm -f "clab-$($case.Name)-control-plane" "clab-$($case.Name)-worker" "clab-$($case.Name)-worker2" "clab-$($case.Name)-worker3" | Out-Null }
        $results += [pscustomobject]@{
            Fabric          = $case.Label
            Links           = $topo.Links
            DeployS       = [Math]::Round($deploy.Elapsed.TotalSeconds, 2)
            BaseCreateS   = [Math]::Round($baseline.Create.TotalSeconds, 2)
            DeployRatio   = [Math]::Round($deploy.Elapsed.TotalSeconds / $baseline.Create.TotalSeconds, 2)
            WiringMs      = [Math]::Round($lab.LinkWiringDuration.TotalMilliseconds, 1)
            DestroyS      = [Math]::Round($destroy.Elapsed.TotalSeconds, 2)
            BaseRemoveS   = [Math]::Round($baseline.Remove.TotalSeconds, 2)
            DestroyRatio  = [Math]::Round($destroy.Elapsed.TotalSeconds / $baseline.Remove.TotalSeconds, 2)
        }
    }
}
finally {
    foreach ($case in $cases) { Remove-ClabTopology -Name $case.Name -Confirm:$false -ErrorAction SilentlyContinue; docker network rm $case.Name 2>$null | Out-Null }
    docker ps -aq --filter "name=bench-base-$suffix" --filter "name=clab-bench-scn-$suffix" | ForEach-Object { docker rm -f $_ | Out-Null }
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}
# Link wiring alone: N veth pairs between two containers over the module's netlink code vs one `ip` process per link.
$LinkCount = 200
$a = docker run -d --network none --cap-add NET_ADMIN -t $Image bash
$b = docker run -d --network none --cap-add NET_ADMIN -t $Image bash
try {
    $pidA = [int](docker inspect -f '{{.State.Pid}}' $a); $pidB = [int](docker inspect -f '{{.State.Pid}}' $b)
    $nsType = $engineAssembly.GetType('BgpLab.Engine.Net.NetNamespace')
    $linksType = $engineAssembly.GetType('BgpLab.Engine.Net.NetworkLinks')
    $endType = $engineAssembly.GetType('BgpLab.Engine.Net.VethEnd')
    $nsA = $nsType::OfProcess($pidA, 'a'); $nsB = $nsType::OfProcess($pidB, 'b')
    $module = [Diagnostics.Stopwatch]::StartNew()
    foreach ($i in 1..$LinkCount) {
        $linksType::CreateVethPair([Activator]::CreateInstance($endType, @($nsA, "m$i", $null)), [Activator]::CreateInstance($endType, @($nsB, "m$i", $null)), 9500, $true)
    }
    $module.Stop()
    $nsA.Dispose(); $nsB.Dispose()
    $processes = [Diagnostics.Stopwatch]::StartNew()
    foreach ($i in 1..$LinkCount) {
        ip link add "p$i" netns $pidA mtu 9500 up type veth peer name "p$i" netns $pidB mtu 9500
        if ($LASTEXITCODE -ne 0) { throw "ip link add p$i failed" }
    }
    $processes.Stop()
    Write-Host ("Link wiring, {0} veth pairs between two containers: module netlink {1:0} ms ({2:0.00} ms/link) vs one ip process per link {3:0} ms; ratio {4:0.00}" -f
        $LinkCount, $module.Elapsed.TotalMilliseconds, ($module.Elapsed.TotalMilliseconds / $LinkCount), $processes.Elapsed.TotalMilliseconds,
        ($module.Elapsed.TotalMilliseconds / $processes.Elapsed.TotalMilliseconds))
}
finally {
    docker rm -f $a $b | Out-Null
}

Write-Host "Deploy/destroy vs plain create+start/remove of the same number of containers (same client, $MaxWorkers workers);"
Write-Host 'WiringMs = wall time the deploy spent creating veth pairs over netlink (part of DeployS):'
$results | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
