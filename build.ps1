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
    [string[]] $PesterPath,
    # Lab: leave the reference lab running at the end instead of tearing it down.
    [switch] $KeepLab
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
    Write-MamlHelp
    Write-Host "build: $ModuleOut"
}

function Write-ModuleManifest {
    # The source manifest lists no cmdlets or formats: they are read from what was built, so a new
    # cmdlet or view file needs no manifest edit (and parallel work does not collide on this file).
    $cmdlets = Invoke-Pwsh -NoProfile -NonInteractive -Command "
        . '$ModuleOut/BgpLab.Resolver.ps1'
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

# Turns the XML doc comments of the cmdlet classes (<summary> synopsis, <remarks> description,
# <example><code/><para/></example>, a <summary> per parameter property) and the cmdlets' own metadata
# (parameter sets, types, positions, pipeline input, aliases, output types) into MAML help. Runs in a child
# session because it has to load the built module.
$MamlGenerator = {
    param([string] $ModuleDll, [string] $DocFile, [string] $OutFile)
    $ErrorActionPreference = 'Stop'
    . (Join-Path (Split-Path $ModuleDll) 'BgpLab.Resolver.ps1')
    Import-Module $ModuleDll
    $doc = [xml](Get-Content $DocFile -Raw)
    $members = @{}
    foreach ($m in $doc.doc.members.member) { $members[$m.name] = $m }

    function Get-DocText($node) {
        # Inline tags become plain text: <c>x</c> -> x, <see cref="T:A.B"/> -> B, <paramref name="p"/> -> p.
        if ($null -eq $node) { return '' }
        $text = foreach ($child in $node.ChildNodes) {
            switch ($child.NodeType) {
                'Text' { $child.Value }
                'Element' {
                    switch ($child.LocalName) {
                        'see' { if ($child.cref) { ($child.cref -split '[.:]')[-1] } else { $child.InnerText } }
                        'paramref' { $child.name }
                        'typeparamref' { $child.name }
                        default { Get-DocText $child }
                    }
                }
            }
        }
        (($text -join '') -replace '\s+', ' ').Trim()
    }
    function Get-CodeText($node) {
        $lines = ($node.InnerText -replace "`r", '') -split "`n"
        (($lines | ForEach-Object { $_.Trim() }) -join "`n").Trim()
    }

    $settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
    $w = [Xml.XmlWriter]::Create($OutFile, $settings)
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    function Para([string] $text) { $w.WriteStartElement('maml', 'para', $maml); $w.WriteString($text); $w.WriteEndElement() }
    function Description([string[]] $paras) {
        $w.WriteStartElement('maml', 'description', $maml)
        foreach ($p in $paras) { if ($p) { Para $p } }
        $w.WriteEndElement()
    }
    function TypeName([type] $type) { $type.FullName }
    $common = [Management.Automation.Cmdlet]::CommonParameters + [Management.Automation.Cmdlet]::OptionalCommonParameters
    $standard = @{
        WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
        Confirm = 'Prompts you for confirmation before running the cmdlet.'
    }

    $w.WriteStartDocument()
    $w.WriteStartElement('helpItems', 'http://msh')
    $w.WriteAttributeString('schema', 'maml')
    foreach ($cmd in Get-Command -Module BgpLab -CommandType Cmdlet | Sort-Object Name) {
        $type = $cmd.ImplementingType
        $typeDoc = $members["T:$($type.FullName)"]
        if (-not $typeDoc) { Write-Warning "help: $($cmd.Name) ($($type.FullName)) has no XML doc comment"; $typeDoc = $doc.CreateElement('member') }
        # Inherited parameters (e.g. -Context of a shared base cmdlet) are documented on the declaring class.
        $paramDoc = {
            param($name)
            $declaring = $type.GetProperty($name).DeclaringType
            $m = $members["P:$($declaring.FullName).$name"]
            if ($m) { Get-DocText $m.SelectSingleNode('summary') }
        }
        $w.WriteStartElement('command', 'command', $command)
        $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
        $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
        $w.WriteStartElement('command', 'details', $command)
        $w.WriteElementString('name', $command, $cmd.Name)
        Description @(Get-DocText $typeDoc.SelectSingleNode('summary'))
        $w.WriteElementString('verb', $command, $cmd.Verb)
        $w.WriteElementString('noun', $command, $cmd.Noun)
        $w.WriteEndElement()
        $remarksNode = $typeDoc.SelectSingleNode('remarks')
        $remarks = if ($remarksNode) { @($remarksNode.SelectNodes('para') | ForEach-Object { Get-DocText $_ }) } else { @() }
        if ($remarksNode -and -not $remarks) { $remarks = @(Get-DocText $remarksNode) }
        Description $remarks

        $parameters = @($cmd.Parameters.Values | Where-Object { $_.Name -notin $common -or $standard.ContainsKey($_.Name) })
        $pipelineText = {
            param($sets)
            $byValue = @($sets | Where-Object ValueFromPipeline).Count -gt 0
            $byName = @($sets | Where-Object ValueFromPipelineByPropertyName).Count -gt 0
            if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        }
        $w.WriteStartElement('command', 'syntax', $command)
        foreach ($set in $cmd.ParameterSets) {
            $w.WriteStartElement('command', 'syntaxItem', $command)
            $w.WriteElementString('name', $maml, $cmd.Name)
            foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common -or $standard.ContainsKey($_.Name) }) {
                $w.WriteStartElement('command', 'parameter', $command)
                $w.WriteAttributeString('required', "$($p.IsMandatory)".ToLowerInvariant())
                $w.WriteAttributeString('position', $(if ($p.Position -ge 0) { "$($p.Position)" } else { 'named' }))
                $w.WriteAttributeString('pipelineInput', (& $pipelineText @($p)))
                $w.WriteElementString('name', $maml, $p.Name)
                if ($p.ParameterType -ne [Management.Automation.SwitchParameter]) {
                    $w.WriteStartElement('command', 'parameterValue', $command)
                    $w.WriteAttributeString('required', 'true')
                    $w.WriteString($p.ParameterType.Name)
                    $w.WriteEndElement()
                }
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'parameters', $command)
        foreach ($p in $parameters | Sort-Object Name) {
            $sets = @($p.ParameterSets.Values)
            $text = if ($standard.ContainsKey($p.Name)) { $standard[$p.Name] } else { & $paramDoc $p.Name }
            if (-not $text) { Write-Warning "help: parameter -$($p.Name) of $($cmd.Name) has no XML doc comment" }
            $position = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Select-Object -First 1)
            $w.WriteStartElement('command', 'parameter', $command)
            $w.WriteAttributeString('required', "$(@($sets | Where-Object IsMandatory).Count -gt 0)".ToLowerInvariant())
            $w.WriteAttributeString('position', $(if ($position.Count) { "$($position[0])" } else { 'named' }))
            $w.WriteAttributeString('pipelineInput', (& $pipelineText $sets))
            $w.WriteAttributeString('globbing', "$($p.Name -eq 'Path')".ToLowerInvariant())
            $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
            $w.WriteElementString('name', $maml, $p.Name)
            Description @($text)
            $w.WriteStartElement('command', 'parameterValue', $command)
            $w.WriteAttributeString('required', "$($p.ParameterType -ne [Management.Automation.SwitchParameter])".ToLowerInvariant())
            $w.WriteString($p.ParameterType.Name)
            $w.WriteEndElement()
            $w.WriteStartElement('dev', 'type', $dev)
            $w.WriteElementString('name', $maml, (TypeName $p.ParameterType))
            $w.WriteEndElement()
            $w.WriteElementString('defaultValue', $dev, 'None')
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $w.WriteStartElement('command', 'inputTypes', $command)
        foreach ($p in $parameters | Where-Object { @($_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }).Count }) {
            $w.WriteStartElement('command', 'inputType', $command)
            $w.WriteStartElement('dev', 'type', $dev)
            $w.WriteElementString('name', $maml, (TypeName $p.ParameterType))
            $w.WriteEndElement()
            Description @("-$($p.Name): $(& $paramDoc $p.Name)")
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteStartElement('command', 'returnValues', $command)
        foreach ($o in $cmd.OutputType) {
            $w.WriteStartElement('command', 'returnValue', $command)
            $w.WriteStartElement('dev', 'type', $dev)
            $w.WriteElementString('name', $maml, $o.Name)
            $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()

        $examples = @($typeDoc.SelectNodes('example'))
        if (-not $examples) { Write-Warning "help: $($cmd.Name) has no <example> in its XML doc comment" }
        $w.WriteStartElement('command', 'examples', $command)
        $i = 0
        foreach ($example in $examples) {
            $i++
            $w.WriteStartElement('command', 'example', $command)
            $w.WriteElementString('title', $maml, "-------------------------- Example $i --------------------------")
            $w.WriteElementString('code', $dev, (Get-CodeText $example.SelectSingleNode('code')))
            $w.WriteStartElement('dev', 'remarks', $dev)
            foreach ($para in $example.SelectNodes('para')) { Para (Get-DocText $para) }
            $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndDocument()
    $w.Dispose()
}

function Write-MamlHelp {
    # en-US (the module's culture) and the module folder itself: PowerShell looks in the UI culture's folder
    # first and falls back to the module base, which covers sessions running with the invariant culture.
    $helpDir = New-Item -ItemType Directory -Force (Join-Path $ModuleOut 'en-US')
    $file = Join-Path $helpDir 'BgpLab.dll-Help.xml'
    $call = "& { $MamlGenerator } -ModuleDll '$ModuleOut/BgpLab.dll' -DocFile '$ModuleOut/BgpLab.xml' -OutFile '$file'"
    Invoke-Pwsh -NoProfile -NonInteractive -EncodedCommand ([Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($call)))
    if ($LASTEXITCODE -ne 0) { throw 'generating MAML help failed' }
    Copy-Item $file $ModuleOut
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
    # The examples' *.Tests.ps1 are Pester scripts users copy: CI proves they pass too.
    $paths = if ($PesterPath) { $PesterPath } else { @((Join-Path $Root 'tests/pester'), (Join-Path $Root 'examples')) }
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
    # The closing line CI reads: xunit and Pester summed.
    Write-Host "$passed passed, $failed failed"
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
        $w.Write('<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="psd1" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /><Default Extension="xml" ContentType="application/octet" /><Default Extension="ps1xml" ContentType="application/octet" /><Default Extension="ps1" ContentType="application/octet" /><Default Extension="json" ContentType="application/octet" /><Default Extension="nuspec" ContentType="application/octet" /></Types>')
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
    # Where kind or helm is missing (no Kubernetes on this machine), the lab uses their stand-ins from tests/fixtures.
    foreach ($tool in @{ Name = 'kind'; Project = 'KindStandIn' }, @{ Name = 'helm'; Project = 'HelmStandIn' }) {
        if (Test-Command $tool.Name) { continue }
        Write-Host "lab: $($tool.Name) is not on PATH: building its stand-in tests/fixtures/$($tool.Project)"
        Invoke-Native dotnet build (Join-Path $Root "tests/fixtures/$($tool.Project)/$($tool.Project).csproj") '-c' 'Release' '--nologo' '-v' 'q' '-clp:NoSummary'
    }
    $labArgs = @('-ModulePath', "$ModuleOut/BgpLab.psd1") + @(if ($KeepLab) { '-KeepLab' })
    Invoke-Pwsh -NoProfile -File (Join-Path $Root 'examples/Invoke-ScenarioLab.ps1') @labArgs
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

$plan = [Collections.Generic.List[string]]::new()
foreach ($t in $Task) {
    $needs = switch ($t) {
        'Test' { 'Prerequisites', 'Build', 'Images', 'Package', 'Test' }
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
