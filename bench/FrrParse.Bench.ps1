<#
.SYNOPSIS
    Parsing throughput of FRR's `show bgp ipv4 json`: BgpLab's streaming parser vs ConvertFrom-Json, same text, same run.
.DESCRIPTION
    Generates a BGP table in FRR 8.4's JSON layout with -Paths paths (two paths per prefix, as with two
    upstreams), then parses it in fresh child processes — into FrrBgpRoute objects with the module's parser,
    and with ConvertFrom-Json — measuring wall time (best of -Repeat), bytes allocated by the parsing thread
    and the child's peak working set. Prints the ratios.
.PARAMETER ModulePath
    The built module manifest (build.ps1 Bench passes it).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Paths = 100000,
    [int] $Repeat = 3
)
$ErrorActionPreference = 'Stop'
$work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bgplab-bench-frr-$PID")
$jsonPath = Join-Path $work 'show-bgp-ipv4.json'

# --- the input: FRR's layout, one line per prefix as FRR prints it.
$sb = [Text.StringBuilder]::new(450 * $Paths)
[void]$sb.Append("{`n `"vrfId`": 0,`n `"vrfName`": `"default`",`n `"tableVersion`": $Paths,`n `"routerId`": `"10.0.0.0`",`n `"defaultLocPrf`": 100,`n `"localAS`": 65000,`n `"routes`": { ")
$prefixes = [int][Math]::Ceiling($Paths / 2)
for ($i = 0; $i -lt $prefixes; $i++) {
    $net = "10.$(($i -shr 8) -band 255).$($i -band 255).0"
    $pfx = "$net/24"
    if ($i -gt 0) { [void]$sb.Append("`n,") }
    [void]$sb.Append("`"$pfx`": [")
    for ($p = 0; $p -lt 2 -and ($i * 2 + $p) -lt $Paths; $p++) {
        if ($p -gt 0) { [void]$sb.Append(',') }
        $best = if ($p -eq 0) { '"bestpath":true,"selectionReason":"Older Path",' } else { '"multipath":true,' }
        $nh = "172.16.$p.1"
        [void]$sb.Append("{`"valid`":true,$best`"pathFrom`":`"external`",`"prefix`":`"$net`",`"prefixLen`":24,`"network`":`"$pfx`",`"version`":$i,`"metric`":0,`"weight`":0,`"peerId`":`"$nh`",`"path`":`"6501$p 65100 $(64512 + $i % 1000)`",`"origin`":`"IGP`",`"nexthops`":[{`"ip`":`"$nh`",`"hostname`":`"tor$p`",`"afi`":`"ipv4`",`"used`":true}]}")
    }
    [void]$sb.Append(']')
}
[void]$sb.Append(" }  }`n")
[IO.File]::WriteAllText($jsonPath, $sb.ToString())
$sb = $null
$size = (Get-Item $jsonPath).Length
Write-Host ("input: {0:N0} paths, {1:N0} prefixes, {2:N1} MB of JSON" -f $Paths, $prefixes, ($size / 1MB))

# --- each method in its own process, so peak working sets do not mix.
$pwsh = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += 'pwsh' }
$measure = {
    param($Method, $ModulePath, $JsonPath, $Repeat)
    $ErrorActionPreference = 'Stop'
    Import-Module $ModulePath
    $parser = $null
    if ($Method -eq 'BgpLab') {
        # The engine lives in the module's AssemblyLoadContext; the module's resolver hands it out by name.
        $parser = [Reflection.Assembly]::Load('BgpLab.Engine').GetType('BgpLab.Engine.Frr.FrrJsonParser', $true)
    }
    $best = [double]::MaxValue; $allocated = 0; $count = 0
    for ($r = 0; $r -lt $Repeat; $r++) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $bytes = [IO.File]::ReadAllBytes($JsonPath)
        $text = if ($Method -eq 'ConvertFrom-Json') { [Text.Encoding]::UTF8.GetString($bytes) } else { $null }
        if ($Method -eq 'ConvertFrom-Json') { $bytes = $null }
        $alloc0 = [GC]::GetAllocatedBytesForCurrentThread()
        $sw = [Diagnostics.Stopwatch]::StartNew()
        if ($Method -eq 'BgpLab') {
            $result = $parser::ParseBgpRoutes([ReadOnlyMemory[byte]]::new($bytes), 'router0')
            $count = $result.Count
        } else {
            $result = ConvertFrom-Json -InputObject $text
            $count = 0; foreach ($p in $result.routes.PSObject.Properties) { $count += @($p.Value).Count }
        }
        $sw.Stop()
        $allocated = [GC]::GetAllocatedBytesForCurrentThread() - $alloc0
        $bytes = $null; $text = $null; $result = $null
        $best = [Math]::Min($best, $sw.Elapsed.TotalMilliseconds)
    }
    [pscustomobject]@{
        Method = $Method; Paths = $count; BestMs = [Math]::Round($best, 1)
        AllocatedMB = [Math]::Round($allocated / 1MB, 1)
        PeakWorkingSetMB = [Math]::Round([Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64 / 1MB, 1)
    } | ConvertTo-Json -Compress
}
$results = foreach ($method in 'BgpLab', 'ConvertFrom-Json') {
    $json = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "& { $measure } '$method' '$ModulePath' '$jsonPath' $Repeat"
    if ($LASTEXITCODE -ne 0) { throw "the $method run failed: $json" }
    $json | Select-Object -Last 1 | ConvertFrom-Json
}
Remove-Item $work -Recurse -Force
$results | Format-Table Method, Paths, BestMs, AllocatedMB, PeakWorkingSetMB | Out-String | Write-Host
$ours, $baseline = $results
if ($ours.Paths -ne $Paths -or $baseline.Paths -ne $Paths) { throw "path counts differ from ${Paths}: $($ours.Paths) / $($baseline.Paths)" }
Write-Host ("ratio (ConvertFrom-Json / BgpLab): time {0:N1}x, allocated {1:N1}x, peak working set {2:N1}x" -f
    ($baseline.BestMs / $ours.BestMs), ($baseline.AllocatedMB / $ours.AllocatedMB), ($baseline.PeakWorkingSetMB / $ours.PeakWorkingSetMB))
Write-Host ("BgpLab per JSON byte: allocated {0:N1}x the JSON's {1:N1} MB (one copy of the bytes, then the objects)" -f ($ours.AllocatedMB / ($size / 1MB)), ($size / 1MB))
