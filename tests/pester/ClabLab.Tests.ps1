# The Containerlab deploy/inspect/destroy cmdlets as users call them, on a small lab with a unique name
# (its own management network with a docker-chosen subnet), so it never collides with other tests.
BeforeAll {
    Import-Module $env:BGPLAB_MODULE -Force
    $script:Lab = 'bgplab-p-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:Dir = Join-Path ([IO.Path]::GetTempPath()) $Lab
    New-Item -ItemType Directory -Force $Dir | Out-Null
    $script:TopoPath = Join-Path $Dir 'lab.clab.yml'
    Set-Content $TopoPath @"
name: $Lab
mgmt:
  network: $Lab
  ipv4-subnet: auto
topology:
  kinds:
    linux:
      image: bgplab/frr:latest
      cmd: bash
  nodes:
    r1:
      kind: linux
      exec:
      - ip addr add 192.0.2.1/31 dev net0
    r2:
      kind: linux
      exec:
      - ip addr add 192.0.2.0/31 dev net1
      - bash -c 'exit 4'
  links:
  - endpoints: ["r1:net0", "r2:net1"]
"@
    # Privileged containers cannot start on this host: the session preference chooses the capability set.
    $global:BgpLabCapability = 'NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'SYS_PTRACE'
    $script:Pwsh = @([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension($Pwsh[0]) -eq 'dotnet') { $script:Pwsh += 'pwsh' }
}

AfterAll {
    Remove-ClabTopology -Name $Lab -Confirm:$false -ErrorAction SilentlyContinue
    docker network rm $Lab 2>$null | Out-Null
    Remove-Variable -Name BgpLabCapability -Scope Global -ErrorAction SilentlyContinue
    Remove-Item $Dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Deploy-ClabTopology' {
    It 'changes nothing with -WhatIf' {
        Deploy-ClabTopology -Path $TopoPath -WhatIf | Should -BeNullOrEmpty
        Get-ClabLab -Name $Lab -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-Path (Join-Path $Dir "clab-$Lab") | Should -BeFalse
    }

    It 'deploys the lab and returns it with nodes, links and exec results, warning about the failed exec' {
        $script:Deployed = Deploy-ClabTopology -Path $TopoPath -WarningVariable warnings -WarningAction SilentlyContinue
        # Engine types live in the module's load context: compare by name.
        $Deployed.GetType().FullName | Should -Be 'BgpLab.Engine.Clab.ClabLab'
        $Deployed.Nodes.Name | Sort-Object | Should -Be @('r1', 'r2')
        $Deployed.Nodes.ContainerName | Sort-Object | Should -Be @("clab-$Lab-r1", "clab-$Lab-r2")
        $Deployed.Nodes.State | Should -Be @('running', 'running')
        $Deployed.Links.Count | Should -Be 1
        $Deployed.Links[0].A | Should -Be 'r1:net0'
        $Deployed.Links[0].Mtu | Should -Be 9500
        $Deployed.ExecResults.ExitCode | Should -Be @(0, 0, 4)
        $warnings | Where-Object { $_ -match "'r2'.*exited with code 4" } | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $Dir "clab-$Lab/topology-data.json") | Should -BeTrue
    }

    It 'reports a running lab and leaves it unchanged' {
        $again = Deploy-ClabTopology -Path $TopoPath -WarningVariable warnings -WarningAction SilentlyContinue
        $again.AlreadyDeployed | Should -BeTrue
        ($again.Nodes.ContainerId | Sort-Object) | Should -Be ($Deployed.Nodes.ContainerId | Sort-Object)
        $warnings | Where-Object { $_ -match 'already deployed' } | Should -Not -BeNullOrEmpty
    }

    It 'redeploys a piped topology with -Reconfigure: new containers, links wired again' {
        $again = Import-ClabTopology $TopoPath | Deploy-ClabTopology -Reconfigure -WarningAction SilentlyContinue
        $again.AlreadyDeployed | Should -BeFalse
        $again.Nodes.State | Should -Be @('running', 'running')
        @($again.Nodes.ContainerId | Where-Object { $_ -in $Deployed.Nodes.ContainerId }).Count | Should -Be 0
        $again.Links.Count | Should -Be 1
        $script:Deployed = $again
    }

    It 'says privileged containers cannot start here and how to choose capabilities' {
        $other = Join-Path $Dir 'priv.clab.yml'
        Set-Content $other "name: $Lab-priv`nmgmt: {network: $Lab, ipv4-subnet: auto}`ntopology:`n  nodes:`n    a: {kind: linux, image: bgplab/frr:latest, cmd: bash}`n"
        $saved = $global:BgpLabCapability
        Remove-Variable -Name BgpLabCapability -Scope Global
        $env:BGPLAB_CAPABILITIES = $null
        try {
            { Deploy-ClabTopology -Path $other -ErrorAction Stop } | Should -Throw -ErrorId 'PrivilegedNotPermitted,BgpLab.Clab.DeployClabTopologyCommand'
            $Error[0].ErrorDetails.RecommendedAction | Should -Match '-Capability'
            $Error[0].ErrorDetails.RecommendedAction | Should -Match 'BgpLabCapability'
            Get-ClabLab -Name "$Lab-priv" -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        } finally {
            $global:BgpLabCapability = $saved
        }
    }
}

Describe 'Get-ClabLab, Get-ClabNode and Invoke-ClabNodeCommand' {
    It 'finds the lab by name and its nodes by wildcard, with management addresses' {
        $found = Get-ClabLab -Name $Lab
        $found.Name | Should -Be $Lab
        $found.NodeCount | Should -Be 2
        $found.TopologyFile | Should -Be $TopoPath
        $nodes = Get-ClabNode -Lab $Lab -Node 'r*'
        $nodes.Count | Should -Be 2
        $nodes | ForEach-Object { $_.MgmtIPv4 | Should -Match '^\d+\.\d+\.\d+\.\d+/\d+$' }
        (Get-ClabNode -All | Where-Object Lab -eq $Lab).Count | Should -Be 2
        ($found | Get-ClabNode -Node r2).Name | Should -Be 'r2'
    }

    It 'reports unknown labs and nodes as not found' {
        Get-ClabNode -Lab "$Lab-nope" -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Match '^ClabLabNotFound'
        { Invoke-ClabNodeCommand -Lab $Lab -Node nope -Command true -ErrorAction Stop } | Should -Throw -ErrorId 'ClabNodeNotFound,BgpLab.Clab.InvokeClabNodeCommandCommand'
    }

    It 'runs argv commands in nodes piped from Get-ClabNode and returns typed results' {
        $results = Get-ClabNode -Lab $Lab | Invoke-ClabNodeCommand -Command ip, -o, link, show, type, veth
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_.GetType().FullName | Should -Be 'BgpLab.Engine.Clab.ClabNodeCommandResult' }
        ($results | Where-Object Node -eq r1).Stdout | Should -Match 'net0@.*mtu 9500'
        ($results | Where-Object Node -eq r2).Stdout | Should -Match 'net1@.*mtu 9500'
        $ping = Invoke-ClabNodeCommand -Lab $Lab -Node r1 -Command ping, -c1, -W2, 192.0.2.0
        $ping.ExitCode | Should -Be 0
        $ping.Duration | Should -BeOfType ([TimeSpan])
        (Invoke-ClabNodeCommand $Lab r1 bash, -c, 'echo err >&2; exit 7') | ForEach-Object { $_.ExitCode, $_.Stderr } | Should -Be @(7, "err`n")
    }

    It 'completes lab and node names' {
        $labs = [BgpLab.Clab.ClabLabNameCompleter]::new().CompleteArgument('Get-ClabNode', 'Lab', 'bgplab-p-', $null, @{})
        $labs.CompletionText | Should -Contain $Lab
        $nodes = [BgpLab.Clab.ClabNodeNameCompleter]::new().CompleteArgument('Get-ClabNode', 'Node', 'r', $null, @{ Lab = $Lab })
        $nodes.CompletionText | Should -Be @('r1', 'r2')
    }
}

Describe 'Export-ClabGraph' {
    It 'draws the running lab as Mermaid and DOT with interface names and states' {
        $mermaid = Export-ClabGraph -Lab $Lab
        $mermaid | Should -Match "title: $Lab"
        $mermaid | Should -Match 'net0 — net1'
        $mermaid | Should -Match 'running'
        $dot = Export-ClabGraph -Lab $Lab -Format Dot
        $dot | Should -Match 'taillabel="net0" headlabel="net1"'
    }

    It 'writes a self-contained HTML page, also offline from the file' {
        $file = Export-ClabGraph -Path $TopoPath -Format Html -OutFile (Join-Path $Dir 'graph.html')
        $file | Should -BeOfType ([IO.FileInfo])
        $html = Get-Content $file -Raw
        $html | Should -Match '<svg'
        $html | Should -Match 'not deployed'
        $html | Should -Not -Match '(src|href)="http'
    }
}

Describe 'Remove-ClabTopology' {
    It 'lists exactly what would go with -WhatIf and removes nothing' {
        $module = $env:BGPLAB_MODULE
        $out = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "Import-Module '$module'; Remove-ClabTopology -Name '$Lab' -WhatIf" 2>&1
        $text = $out -join "`n"
        $text | Should -Match "Container clab-$Lab-r1"
        $text | Should -Match "Container clab-$Lab-r2"
        $text | Should -Match "Network $Lab"
        $text | Should -Match ([regex]::Escape("Directory $(Join-Path $Dir "clab-$Lab")"))
        @($out | Where-Object { $_ -match 'What if' }).Count | Should -Be 4
        (Get-ClabLab -Name $Lab).NodeCount | Should -Be 2
    }

    It 'removes the piped lab, its network and directory, and is idempotent' {
        $removed = Get-ClabLab -Name $Lab | Remove-ClabTopology -PassThru -Confirm:$false
        $removed.Kind | Should -Be @('Container', 'Container', 'Network', 'Directory')
        Get-ClabLab -Name $Lab -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        docker network ls --filter "name=^$Lab$" --format '{{.Name}}' | Should -BeNullOrEmpty
        Test-Path (Join-Path $Dir "clab-$Lab") | Should -BeFalse
        { Remove-ClabTopology -Path $TopoPath -ErrorAction Stop } | Should -Not -Throw
    }
}
