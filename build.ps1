<#
.SYNOPSIS
    Builds, tests, packages and demonstrates the BgpLab module.
.DESCRIPTION
    Tasks (run in the order given; dependencies run first):
      Prerequisites  installs what a fresh Debian machine lacks (docker.io, debootstrap, iproute2) and starts dockerd
      Build          assembles a ready-to-import module under out/BgpLab/<version>/
      Images         builds the test images from Debian packages (cached by recipe content)
      Test           xunit + Pester; prints 'N passed, N failed' and fails on any failure
      Package        out/BgpLab.<version>.nupkg, accepted by Install-PSResource / Publish-PSResource
      Bench          runs the benchmarks in bench/ and prints ratios against their in-run baselines
      Lab            the main job: validate and show the reference scenario (grows as the lab does)
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Prerequisites', 'Build', 'Images', 'Test', 'Package', 'Bench', 'Lab', 'Clean')]
    [string[]] $Task = @('Build'),
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # xunit filter (dotnet test --filter) and Pester paths, to run a subset while developing.
    [string] $TestFilter,
    [string[]] $PesterPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$Root = $PSScriptRoot
$Manifest = Import-PowerShellDataFile (Join-Path $Root 'BgpLab.psd1')
$Version = $Manifest.ModuleVersion
$OutRoot = Join-Path $Root 'out'
$ModuleOut = Join-Path $OutRoot "BgpLab/$Version"
$PesterVersion = '6.2.0'

function Invoke-Native {
    # Runs a program and stops the build when it fails (PowerShell does not do that for native exit codes).
    param([string] $FilePath, [Parameter(ValueFromRemainingArguments)] [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE" }
}

# Child PowerShell sessions start like this one: under 'dotnet pwsh' (the local tool) the process is dotnet itself.
$PwshCommand = @((Get-Process -Id $PID).Path)
if ([IO.Path]::GetFileNameWithoutExtension($PwshCommand[0]) -eq 'dotnet') { $PwshCommand += 'pwsh' }
function Invoke-Pwsh { & $PwshCommand[0] @($PwshCommand | Select-Object -Skip 1) @args }

function Test-Command([string] $Name) { [bool](Get-Command $Name -CommandType Application -ErrorAction Ignore) }

function Invoke-Prerequisites {
    $missing = @()
    if (-not (Test-Command docker) -or -not (Test-Command dockerd)) { $missing += 'docker.io' }
    if (-not (Test-Command debootstrap)) { $missing += 'debootstrap' }
    if (-not (Test-Command ip)) { $missing += 'iproute2' }
    if ($missing) {
        if ((id -u) -ne 0) { throw "Missing $($missing -join ', '): install them as root (apt-get install -y $($missing -join ' '))." }
        Write-Host "prerequisites: apt-get install $($missing -join ' ')"
        $env:DEBIAN_FRONTEND = 'noninteractive'
        Invoke-Native apt-get update -qq
        Invoke-Native apt-get install -y -qq @missing
    }
    & docker info --format '{{.ServerVersion}}' *> $null
    if ($LASTEXITCODE -ne 0) {
        Write-Host 'prerequisites: starting dockerd'
        $log = '/var/log/bgplab-dockerd.log'
        Start-Process -FilePath (Get-Command dockerd).Source -RedirectStandardOutput $log -RedirectStandardError "$log.err" | Out-Null
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        do {
            Start-Sleep -Milliseconds 500
            & docker info --format '{{.ServerVersion}}' *> $null
        } until ($LASTEXITCODE -eq 0 -or [DateTime]::UtcNow -gt $deadline)
        if ($LASTEXITCODE -ne 0) { throw "dockerd did not come up within 60 s; see $log.err" }
    }
    Write-Host "prerequisites: docker engine $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
    Invoke-Native dotnet restore (Join-Path $Root 'tests/tools/tools.csproj') --verbosity quiet
}

function Invoke-Build {
    # Quoted: unquoted -v would bind to Invoke-Native's -Verbose and -clp:X would be split in two.
    Invoke-Native dotnet build (Join-Path $Root 'src/BgpLab.sln') '-c' $Configuration '--nologo' '-v' 'q' '-clp:NoSummary'
    $entry = Join-Path $Root "src/BgpLab/bin/$Configuration/net8.0"
    $engine = Join-Path $Root "src/BgpLab.Engine/bin/$Configuration/net8.0"
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $deps = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'dependencies')
    # Entry assembly only at the top: everything else goes to dependencies/ (see ModuleInitializer).
    Copy-Item (Join-Path $entry 'BgpLab.dll'), (Join-Path $entry 'BgpLab.xml') $ModuleOut
    dotnet publish (Join-Path $Root 'src/BgpLab.Engine/BgpLab.Engine.csproj') -c $Configuration --nologo -v q -o (Join-Path $engine 'publish') | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'publishing BgpLab.Engine failed' }
    Copy-Item (Join-Path $engine 'publish/*') $deps -Recurse -Exclude '*.pdb', '*.deps.json'
    Copy-Item (Join-Path $Root 'module/*') $ModuleOut -Recurse
    Write-ModuleManifest
    Write-Host "build: $ModuleOut"
}

function Write-ModuleManifest {
    # The source manifest lists no cmdlets or formats: they are read from what was built, so a new
    # cmdlet or view file needs no manifest edit (and parallel work does not collide on this file).
    $cmdlets = Invoke-Pwsh -NoProfile -NonInteractive -Command "
        Import-Module '$ModuleOut/BgpLab.dll' -ErrorAction Stop
        (Get-Command -Module BgpLab -CommandType Cmdlet).Name | Sort-Object"
    if ($LASTEXITCODE -ne 0) { throw 'could not load the built module to list its cmdlets' }
    $formats = @(Get-ChildItem $ModuleOut -Filter '*.format.ps1xml' | ForEach-Object Name | Sort-Object)
    $types = @(Get-ChildItem $ModuleOut -Filter '*.types.ps1xml' | ForEach-Object Name | Sort-Object)
    $text = Get-Content (Join-Path $Root 'BgpLab.psd1') -Raw
    $list = { param($items) if ($items) { "@(`n        " + (($items | ForEach-Object { "'$_'" }) -join ",`n        ") + "`n    )" } else { '@()' } }
    $text = $text -replace "CmdletsToExport\s*=\s*@\(\)", "CmdletsToExport = $(& $list $cmdlets)"
    $text = $text -replace "FormatsToProcess\s*=\s*@\(\)", "FormatsToProcess = $(& $list $formats)"
    $text = $text -replace "TypesToProcess\s*=\s*@\(\)", "TypesToProcess = $(& $list $types)"
    Set-Content (Join-Path $ModuleOut 'BgpLab.psd1') $text -NoNewline
}

function Invoke-Images {
    Invoke-Native bash (Join-Path $Root 'tests/fixtures/images/build-images.sh')
}

function Get-PesterModulePath {
    $path = Join-Path ([Environment]::GetFolderPath('UserProfile')) ".nuget/packages/pester/$PesterVersion/tools/Pester.psd1"
    if ($env:NUGET_PACKAGES) { $path = Join-Path $env:NUGET_PACKAGES "pester/$PesterVersion/tools/Pester.psd1" }
    if (-not (Test-Path $path)) { Invoke-Native dotnet restore (Join-Path $Root 'tests/tools/tools.csproj') --verbosity quiet }
    $path
}

function Invoke-Test {
    $results = Join-Path $OutRoot 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory -Force $results | Out-Null

    # xunit: every test project under tests/ (integration tests included: this machine has the real parts).
    $xPassed = 0; $xFailed = 0; $xSkipped = 0
    foreach ($project in Get-ChildItem (Join-Path $Root 'tests') -Recurse -Filter '*.Tests.csproj') {
        $trx = "$($project.BaseName).trx"
        $testArgs = @('test', $project.FullName, '-c', $Configuration, '--nologo', '--logger', "trx;LogFileName=$trx",
                      '--results-directory', $results, '--logger', 'console;verbosity=normal')
        if ($TestFilter) { $testArgs += @('--filter', $TestFilter) }
        & dotnet @testArgs
        $trxPath = Join-Path $results $trx
        if (-not (Test-Path $trxPath)) { Write-Warning "no results from $($project.Name)"; $xFailed++; continue }
        $counters = ([xml](Get-Content $trxPath -Raw)).TestRun.ResultSummary.Counters
        $xPassed += [int]$counters.passed
        $xFailed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $xSkipped += [int]$counters.notExecuted
    }

    # Pester: the cmdlets as users call them, in a fresh pwsh that imports the built module.
    $pester = Get-PesterModulePath
    $paths = if ($PesterPath) { $PesterPath } else { @(Join-Path $Root 'tests/pester') }
    $pesterResult = Join-Path $results 'pester.json'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$env:BGPLAB_MODULE = '$ModuleOut/BgpLab.psd1'
`$config = New-PesterConfiguration
`$config.Run.Path = @('$($paths -join "','")')
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$results/pester.xml'
`$r = Invoke-Pester -Configuration `$config
@{ passed = `$r.PassedCount; failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; skipped = `$r.SkippedCount } |
    ConvertTo-Json | Set-Content '$pesterResult'
"@
    Invoke-Pwsh -NoProfile -NonInteractive -Command $script
    if (Test-Path $pesterResult) { $p = Get-Content $pesterResult -Raw | ConvertFrom-Json }
    else { Write-Warning 'Pester produced no result'; $p = [pscustomobject]@{ passed = 0; failed = 1; skipped = 0 } }

    $passed = $xPassed + $p.passed
    $failed = $xFailed + $p.failed
    $skipped = $xSkipped + $p.skipped
    Write-Host "xunit: $xPassed passed, $xFailed failed, $xSkipped skipped; Pester: $($p.passed) passed, $($p.failed) failed, $($p.skipped) skipped"
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Package {
    # A PowerShell module nupkg as Publish-PSResource makes it: the module files at the package root,
    # a nuspec whose id/version/tags follow the manifest (PSModule, PSCmdlet_<name>, ...).
    $staging = Join-Path $OutRoot 'package'
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    Copy-Item $ModuleOut $staging -Recurse
    $data = Import-PowerShellDataFile (Join-Path $ModuleOut 'BgpLab.psd1')
    $tags = @('PSModule', 'PSEdition_Core') + @($data.CmdletsToExport | ForEach-Object { "PSCmdlet_$_", "PSCommand_$_" }) + @($data.PrivateData.PSData.Tags)
    $esc = [Security.SecurityElement]
    $nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>BgpLab</id>
    <version>$Version</version>
    <authors>$($esc::Escape($data.Author))</authors>
    <owners>$($esc::Escape($data.CompanyName))</owners>
    <description>$($esc::Escape($data.Description))</description>
    <copyright>$($esc::Escape($data.Copyright))</copyright>
    <tags>$($esc::Escape(($tags | Select-Object -Unique) -join ' '))</tags>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
  </metadata>
</package>
"@
    Set-Content (Join-Path $staging 'BgpLab.nuspec') $nuspec
    $nupkg = Join-Path $OutRoot "BgpLab.$Version.nupkg"
    if (Test-Path $nupkg) { Remove-Item $nupkg }
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory($staging, $nupkg)
    # NuGet needs [Content_Types].xml and the .rels part to call the zip a package.
    $zip = [IO.Compression.ZipFile]::Open($nupkg, 'Update')
    try {
        $types = $zip.CreateEntry('[Content_Types].xml').Open()
        $w = [IO.StreamWriter]::new($types)
        $w.Write('<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="psd1" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /><Default Extension="xml" ContentType="application/octet" /><Default Extension="ps1xml" ContentType="application/octet" /><Default Extension="json" ContentType="application/octet" /><Default Extension="nuspec" ContentType="application/octet" /></Types>')
        $w.Dispose()
        $rels = $zip.CreateEntry('_rels/.rels').Open()
        $w = [IO.StreamWriter]::new($rels)
        $w.Write('<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/BgpLab.nuspec" Id="R1" /></Relationships>')
        $w.Dispose()
    } finally { $zip.Dispose() }
    Remove-Item $staging -Recurse -Force
    Write-Host "package: $nupkg"
}

function Invoke-Bench {
    foreach ($bench in Get-ChildItem (Join-Path $Root 'bench') -Filter '*.ps1' | Sort-Object Name) {
        Write-Host "== $($bench.Name)"
        Invoke-Pwsh -NoProfile -File $bench.FullName -ModulePath "$ModuleOut/BgpLab.psd1"
    }
}

function Invoke-Lab {
    Invoke-Pwsh -NoProfile -File (Join-Path $Root 'examples/Invoke-ScenarioLab.ps1') -ModulePath "$ModuleOut/BgpLab.psd1"
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

$plan = [Collections.Generic.List[string]]::new()
foreach ($t in $Task) {
    $needs = switch ($t) {
        'Test' { 'Prerequisites', 'Build', 'Images', 'Test' }
        'Lab' { 'Prerequisites', 'Build', 'Images', 'Lab' }
        'Images' { 'Prerequisites', 'Images' }
        'Package' { 'Build', 'Package' }
        'Bench' { 'Prerequisites', 'Build', 'Images', 'Bench' }
        default { $t }
    }
    foreach ($n in $needs) { if (-not $plan.Contains($n)) { $plan.Add($n) } }
}
foreach ($step in $plan) {
    switch ($step) {
        'Clean' { if (Test-Path $OutRoot) { Remove-Item $OutRoot -Recurse -Force } }
        default { & "Invoke-$step" }
    }
}
