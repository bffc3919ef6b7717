# The Clab topology cmdlets as users call them, against the built module ($env:BGPLAB_MODULE).
BeforeAll {
    Import-Module $env:BGPLAB_MODULE -Force
    $script:RepoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
    # ../shared from the repository root (from a worktree one level deeper, the nearest shared/ above it).
    $dir = Split-Path $RepoRoot
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/scenario/topo.yaml'))) { $dir = Split-Path $dir }
    $script:Shared = Join-Path $dir 'shared'
    $script:Scenario = Join-Path $Shared 'scenario/topo.yaml'
    $script:Examples = Join-Path $Shared 'reference/containerlab/examples'
    $script:Pwsh = @((Get-Process -Id $PID).Path)
    if ([IO.Path]::GetFileNameWithoutExtension($Pwsh[0]) -eq 'dotnet') { $script:Pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }

    function Invoke-ChildPwsh([string] $Script, [hashtable] $Environment = @{}) {
        # A separate session shows what a user sees: the error text as PowerShell prints it.
        $saved = @{}
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        try {
            $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("`$PSStyle.OutputRendering = 'PlainText'`n" + $Script))
            & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" }
        } finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
    }
}

Describe 'Import-ClabTopology' {
    It 'reads the scenario: 7 nodes, 6 links, servers in the Kind nodes'' namespaces, bash from kinds' {
        $t = Import-ClabTopology -Path $Scenario
        $t.Name | Should -Be 'bgp-cplane-demo'
        $t.Nodes.Count | Should -Be 7
        $t.Links.Count | Should -Be 6
        $t.Nodes | ForEach-Object { $_.Cmd | Should -Be 'bash' -Because "$($_.Name) inherits cmd from kinds.linux" }
        ($t.Nodes | Where-Object Name -Like 'server*').NetworkMode |
            Should -Be @('container:control-plane', 'container:worker', 'container:worker2', 'container:worker3')
        $t.Nodes[0].ContainerName | Should -Be 'clab-bgp-cplane-demo-router0'
    }

    It 'binds Path from FullName of piped files, several at once' {
        $files = Get-ChildItem $Examples -Recurse -Filter *.clab.yml
        $topologies = $files | Import-ClabTopology
        $topologies.Count | Should -Be $files.Count
        ($topologies | Where-Object Name -eq 'frr01').Nodes.Where({ $_.Name -eq 'router1' }).Image | Should -Be 'quay.io/frrouting/frr:10.5.1'
    }

    It 'expands ${VAR} from -Environment over the process environment' {
        $file = Join-Path $TestDrive 'env.clab.yml'
        Set-Content $file "name: `${LAB:=fallback}`ntopology:`n  nodes:`n    n1: {kind: linux, image: `"`${IMG}`", cmd: `"echo `$`$HOME`"}`n"
        $t = Import-ClabTopology $file -Environment @{ IMG = 'alpine:3'; LAB = $null }
        $t.Name | Should -Be 'fallback'
        $t.Nodes[0].Image | Should -Be 'alpine:3'
        $t.Nodes[0].Cmd | Should -Be 'echo $HOME'
    }

    It 'stops with file:line:column for an unknown key' {
        $file = Join-Path $TestDrive 'bad.clab.yml'
        Set-Content $file "name: x`ntopology:`n  nodes:`n    r1:`n      kind: linux`n      imgae: alpine`n"
        { Import-ClabTopology $file } | Should -Throw "$($file):6:7: unknown key ""imgae"" in node ""r1""*did you mean ""image""*"
        $err = $null
        try { Import-ClabTopology $file } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ClabTopologyUnknownKey,BgpLab.Clab.ImportClabTopologyCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'reports bad YAML and dangling links with their lines and no stack trace' {
        $yaml = Join-Path $TestDrive 'syntax.clab.yml'
        Set-Content $yaml "name: x`ntopology:`n  nodes:`n    r1: {kind: linux`n"
        $out = Invoke-ChildPwsh "Import-Module '$env:BGPLAB_MODULE'; Import-ClabTopology '$yaml'"
        $text = $out -join "`n"
        $text | Should -Match ([regex]::Escape("$($yaml):6:1: YAML syntax error"))
        $text | Should -Not -Match '\s+at [A-Za-z]+\.'        # no .NET stack frames
        $text | Should -Not -Match 'Exception'

        $dangling = Join-Path $TestDrive 'dangling.clab.yml'
        Set-Content $dangling "name: x`ntopology:`n  nodes:`n    a: {kind: linux}`n  links:`n    - endpoints: [`"a:eth1`", `"b:eth1`"]`n"
        $out = Invoke-ChildPwsh "Import-Module '$env:BGPLAB_MODULE'; Test-ClabTopology '$dangling' | ForEach-Object ToString"
        ($out -join "`n") | Should -Match ([regex]::Escape("$($dangling):6:29: error UnknownLinkNode:"))
        { Import-ClabTopology $dangling } | Should -Throw "$($dangling):6:29: link endpoint ""b:eth1"" names node ""b"", which is not in topology.nodes"
    }

    It 'says when the file does not exist' {
        { Import-ClabTopology (Join-Path $TestDrive 'missing.yml') } | Should -Throw '*Topology file not found*'
    }
}

Describe 'Test-ClabTopology' {
    It 'finds every containerlab example clean' {
        $findings = Get-ChildItem $Examples -Recurse -Filter *.clab.yml | Test-ClabTopology
        @($findings | Where-Object Severity -ne 'Information') | Should -BeNullOrEmpty
        Get-ChildItem $Examples -Recurse -Filter *.clab.yml | ForEach-Object { Test-ClabTopology $_.FullName -Quiet | Should -BeTrue }
    }

    It 'notes the scenario''s external containers and passes -Quiet' {
        $findings = Test-ClabTopology $Scenario
        $findings.RuleId | Sort-Object -Unique | Should -Be 'ExternalNetworkModeContainer'
        $findings.Line | Should -Be @(98, 105, 112, 119)
        Test-ClabTopology $Scenario -Quiet | Should -BeTrue
    }

    It 'returns typed findings with file, line, column, severity and rule for each broken rule' {
        $file = Join-Path $TestDrive 'rules.clab.yml'
        Set-Content $file @'
name: rules
topology:
  nodes:
    a: {kind: linux, network-mode: "container:b"}
    b: {kind: linux, network-mode: "container:a"}
    c: {kind: linux}
  links:
    - endpoints: ["c:eth1", "d:eth1"]
    - endpoints: ["c:eth1", "a:an-interface-name-too-long"]
'@
        $findings = Test-ClabTopology $file
        # Engine types live in the module's own load context, so check the type by name.
        $findings | ForEach-Object { $_.GetType().FullName | Should -Be 'BgpLab.Engine.Clab.ClabTopologyFinding' }
        ($findings | Where-Object RuleId -eq NetworkModeLoop).Line | Should -Be 4
        ($findings | Where-Object RuleId -eq UnknownLinkNode).Line | Should -Be 8
        ($findings | Where-Object RuleId -eq DuplicateEndpoint).Line | Should -Be 9
        ($findings | Where-Object RuleId -eq InterfaceNameTooLong).Column | Should -Be 29
        $findings | ForEach-Object { $_.File | Should -Be $file; $_.Severity | Should -Be 'Error' }
        Test-ClabTopology $file -Quiet | Should -BeFalse
    }

    It 'checks a topology object from the pipeline' {
        $t = New-ClabTopology loop -Node (New-ClabNode a -Kind linux -NetworkMode container:a)
        ($t | Test-ClabTopology).RuleId | Should -Be 'NetworkModeLoop'
    }

    It 'formats findings as a table' {
        $text = Test-ClabTopology $Scenario | Out-String -Width 200
        $text | Should -Match 'Severity\s+RuleId\s+Line\s+Column\s+Message'
    }
}

Describe 'New-ClabTopology, New-ClabNode, New-ClabLink and Export-ClabTopology' {
    It 'builds a topology whose effective settings follow the kinds' {
        $t = New-ClabTopology demo -Node (New-ClabNode r1 -Kind linux -Image frrouting/frr:v8.2.2),
            (New-ClabNode h1 -Kind linux -Image nicolaka/netshoot:latest -NetworkMode container:r1) -Link (New-ClabLink r1:eth1 h1:eth2) -Kind @{ linux = @{ cmd = 'bash'; exec = @('echo hi') } }
        $t.Nodes.Cmd | Should -Be @('bash', 'bash')
        $t.Nodes[1].Effective.Exec | Should -Be @('echo hi')
        $t.Links[0].ToString() | Should -Be 'r1:eth1 <-> h1:eth2'
        Test-ClabTopology -Topology $t -Quiet | Should -BeTrue
    }

    It 'rejects unknown settings keys like a file would' {
        { New-ClabNode n -Setting @{ imagee = 'x' } } | Should -Throw '*unknown key "imagee"*did you mean "image"*'
        { New-ClabLink r1 r2:eth1 } | Should -Throw '*must be "node:interface"*'
    }

    It 'exports YAML that imports back unchanged' {
        $t = Import-ClabTopology $Scenario
        $yaml = $t | Export-ClabTopology
        $yaml | Should -BeLike 'name: bgp-cplane-demo*'
        $file = Join-Path $TestDrive 'export.clab.yml'
        $info = $t | Export-ClabTopology -Path $file -PassThru
        $info | Should -BeOfType ([IO.FileInfo])
        $again = $info | Import-ClabTopology
        ($again | Export-ClabTopology) | Should -Be $yaml
        $again.Nodes.Count | Should -Be 7
        foreach ($i in 0..6) {
            $again.Nodes[$i].Effective.Exec | Should -Be $t.Nodes[$i].Effective.Exec
            $again.Nodes[$i].NetworkMode | Should -Be $t.Nodes[$i].NetworkMode
        }
        ($again.Links | ForEach-Object ToString) | Should -Be ($t.Links | ForEach-Object ToString)
    }

    It 'honours -WhatIf and -NoClobber' {
        $t = New-ClabTopology w -Node (New-ClabNode a -Kind linux)
        $file = Join-Path $TestDrive 'whatif.clab.yml'
        $t | Export-ClabTopology -Path $file -WhatIf
        Test-Path $file | Should -BeFalse
        $t | Export-ClabTopology -Path $file
        { $t | Export-ClabTopology -Path $file -NoClobber } | Should -Throw '*exists*'
        { $t | Export-ClabTopology -Path (Join-Path $TestDrive 'no/such/dir.yml') } | Should -Throw '*the folder*does not exist*'
    }
}

Describe 'Help and packaging' {
    It 'shows parameters and examples for the Clab cmdlets' {
        foreach ($name in 'Import-ClabTopology', 'Test-ClabTopology', 'Export-ClabTopology', 'New-ClabTopology', 'New-ClabNode', 'New-ClabLink') {
            $help = Get-Help $name -Full
            $help.Description.Text | Should -Not -BeNullOrEmpty -Because "$name needs a description"
            @($help.Parameters.Parameter).Count | Should -BeGreaterThan 0
            $help.Parameters.Parameter | ForEach-Object { $_.Description.Text | Should -Not -BeNullOrEmpty -Because "$name -$($_.Name) needs a description" }
        }
        $path = (Get-Help Import-ClabTopology -Parameter Path)
        $path.Position | Should -Be '0'
        $path.PipelineInput | Should -Be 'True (ByValue, ByPropertyName)'
    }

    It 'packages a nupkg that Install-PSResource installs and that then works' {
        $version = (Import-PowerShellDataFile $env:BGPLAB_MODULE).ModuleVersion
        $nupkg = Join-Path $RepoRoot "out/BgpLab.$version.nupkg"
        Test-Path $nupkg | Should -BeTrue -Because 'build.ps1 Test runs Package before the tests'
        $repo = New-Item -ItemType Directory (Join-Path $TestDrive 'repo')
        Copy-Item $nupkg $repo
        # A HOME of its own isolates the repository registration and the CurrentUser module path (~/.local/share).
        $data = New-Item -ItemType Directory (Join-Path $TestDrive 'home')
        $out = Invoke-ChildPwsh -Environment @{ XDG_DATA_HOME = $null; HOME = $data.FullName } @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name BgpLabLocal -Uri '$repo' -Trusted
Install-PSResource -Name BgpLab -Repository BgpLabLocal -Scope CurrentUser -TrustRepository
`$m = Get-Module -ListAvailable BgpLab
"Installed=`$(`$m.ModuleBase)"
Import-Module BgpLab
"Nodes=`$((Import-ClabTopology '$Scenario').Nodes.Count)"
"Help=`$((Get-Help Import-ClabTopology).Synopsis)"
"Resolver=`$(Test-Path (Join-Path `$m.ModuleBase 'BgpLab.Resolver.ps1'))"
"@
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain "Installed=$(Join-Path $data.FullName ".local/share/powershell/Modules/BgpLab/$version")"
        $out | Should -Contain 'Nodes=7'
        $out | Should -Contain 'Help=Reads a containerlab topology file into a ClabTopology object.'
        $out | Should -Contain 'Resolver=True'
    }
}
