# The Cilium cmdlets as users call them: values per chart version, policies in and out of YAML, the
# scenario cross-check, and the cluster-facing cmdlets against the API-server double (Cilium's real CRDs)
# with the helm stand-in.
BeforeAll {
    $script:ModulePath = $env:BGPLAB_MODULE
    Import-Module $ModulePath -Force
    $script:Root = (Resolve-Path "$PSScriptRoot/../..").Path
    $script:Scenario = (Resolve-Path "$Root/../../shared/scenario" -ErrorAction Ignore) ?? (Resolve-Path "$Root/../shared/scenario")
    $script:Pwsh = @((Get-Process -Id $PID).Path)
    if ([IO.Path]::GetFileNameWithoutExtension($Pwsh[0]) -eq 'dotnet') { $script:Pwsh += 'pwsh' }

    # Fixtures: the API-server double (standalone) and the helm stand-in, built like the xunit run builds them.
    $fixtures = Join-Path $Root 'tests/fixtures'
    $script:DoubleDll = Join-Path $fixtures 'KubeApiDouble/bin/Release/net10.0/KubeApiDouble.dll'
    $script:HelmPath = Join-Path $fixtures 'HelmStandIn/bin/Release/net10.0/helm'
    foreach ($project in 'KubeApiDouble', 'HelmStandIn') {
        & dotnet build (Join-Path $fixtures "$project/$project.csproj") -c Release --nologo -v q | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "building $project failed" }
    }
    $script:Work = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "bgplab-cilium-pester-$([guid]::NewGuid().ToString('N').Substring(0, 8))")
    $script:Kubeconfig = Join-Path $Work 'config'
    $script:Double = Start-Process dotnet -ArgumentList @($DoubleDll, '--crds', (Join-Path $fixtures '../../src/BgpLab.Engine/Cilium/Crds'), '--kubeconfig', $Kubeconfig, '--context', 'double') `
        -PassThru -RedirectStandardOutput (Join-Path $Work 'double.out') -RedirectStandardError (Join-Path $Work 'double.err')
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $Kubeconfig) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
    if (-not (Test-Path $Kubeconfig)) { throw "the API double did not start: $(Get-Content (Join-Path $Work 'double.err') -Raw)" }
    $script:Cluster = @{ Kubeconfig = $Kubeconfig; Context = 'double' }
    # The scenario's four nodes, as kind registers them (the agent DaemonSet's desired count follows them).
    $server = (Get-Content $Kubeconfig -Raw | ConvertFrom-Json).clusters[0].cluster.server
    foreach ($name in 'control-plane', 'worker', 'worker2', 'worker3') {
        $node = @{ apiVersion = 'v1'; kind = 'Node'; metadata = @{ name = "clab-bgp-cplane-demo-$name" } } | ConvertTo-Json -Depth 5
        Invoke-RestMethod -Method Post -Uri "$server/api/v1/nodes" -Body $node -ContentType 'application/json' -Headers @{ Authorization = 'Bearer kube-api-double' } | Out-Null
    }
}

AfterAll {
    if ($script:Double) { Stop-Process -Id $script:Double.Id -ErrorAction Ignore }
    if ($script:Work) { Remove-Item $script:Work -Recurse -Force -ErrorAction Ignore }
}

Describe 'Install-Cilium values' {
    It 'gives the scenario values for 1.12.1 and routingMode for the newest chart (-WhatIf, no cluster needed)' {
        $out = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "
            Import-Module '$ModulePath'
            Install-Cilium -Version 1.12.1 -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8 -WhatIf
            '----'
            Install-Cilium -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8 -WhatIf" 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $text = ($out -join "`n") -split '----'
        $scenario = Get-Content (Join-Path $Scenario 'values.yaml') | Where-Object { $_ -notmatch '^\s*#' -and $_.Trim() }
        foreach ($line in $scenario) { $text[0] | Should -Match ([regex]::Escape($line.TrimEnd())) }
        $text[0] | Should -Match 'helm upgrade --install cilium cilium --repo https://helm.cilium.io/ --version 1.12.1 --namespace kube-system'
        $text[1] | Should -Match 'routingMode: native'
        $text[1] | Should -Not -Match 'tunnel:'
    }

    It 'merges -Values (dotted keys, nested hashtables, typed values) over the typed settings' {
        $relay = $true
        $out = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "
            Import-Module '$ModulePath'
            `$relay = `$true
            Install-Cilium -Version 1.16.3 -EnableBgpControlPlane -Values @{ 'hubble.relay.enabled' = `$relay; operator = @{ replicas = 1 } } -WhatIf" 2>&1
        $text = $out -join "`n"
        $text | Should -Match 'relay:\s+enabled: true'
        $text | Should -Match 'operator:\s+replicas: 1'
    }

    It 'refuses a key the chart version does not have, naming it' {
        { Install-Cilium -Version 1.12.1 -Values @{ routingMode = 'native' } -WhatIf -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*Cilium 1.12 chart has no value routingMode*'
    }
}

Describe 'Peering policy files' {
    It 'round-trips the scenario file through Import and Export' {
        $policies = Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml')
        $policies.Name | Should -Be @('rack0', 'rack1')
        $copy = Join-Path $Work 'copy.yaml'
        $policies | Export-CiliumBgpPeeringPolicy -Path $copy
        $again = Import-CiliumBgpPeeringPolicy $copy
        $again[1].VirtualRouters[0].LocalAsn | Should -Be 65011
        $again[1].VirtualRouters[0].Neighbors[0].PeerAddress | Should -Be '10.0.0.2/32'
        $again[0].IsEquivalentTo($policies[0]) | Should -BeTrue
    }

    It 'refuses an invalid file with file, line and field path' {
        $bad = Join-Path $Work 'bad.yaml'
        (Get-Content (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') -Raw) -replace 'localASN: 65011', 'localASN: 4294967296' | Set-Content $bad
        { Import-CiliumBgpPeeringPolicy $bad -ErrorAction Stop } | Should -Throw -ExpectedMessage '*bad.yaml:16 (rack1)*spec.virtualRouters[[]0].localASN*at most 4294967295*'
    }

    It 'converts the scenario policies to BGP v2 objects' {
        $v2 = Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') | ConvertTo-CiliumBgpV2
        @($v2 | Where-Object Kind -eq 'CiliumBGPClusterConfig').Count | Should -Be 2
        ($v2 | Where-Object Name -eq 'rack1' | Where-Object Kind -eq 'CiliumBGPClusterConfig').BgpInstances[0].Peers[0].PeerAddress | Should -Be '10.0.0.2'
    }
}

Describe 'Test-BgpLabConfig' {
    It 'reports nothing for the scenario files' {
        $findings = Test-BgpLabConfig -TopologyPath (Join-Path $Scenario 'topo.yaml') -PolicyPath (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') -ClusterConfigPath (Join-Path $Scenario 'cluster.yaml')
        $findings | Should -BeNullOrEmpty
    }

    It 'reports rack1 with ASN 65099 against tor1, naming both sides' {
        $changed = Join-Path $Work 'asn65099.yaml'
        (Get-Content (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') -Raw) -replace 'localASN: 65011', 'localASN: 65099' | Set-Content $changed
        $findings = @(Test-BgpLabConfig -TopologyPath (Join-Path $Scenario 'topo.yaml') -PolicyPath $changed -ClusterConfigPath (Join-Path $Scenario 'cluster.yaml'))
        $findings.Count | Should -Be 2
        $findings.Router | Select-Object -Unique | Should -Be 'tor1'
        $findings.Code | Select-Object -Unique | Should -Be 'RemoteAsMismatch'
        $findings.NodeAddress | Should -Be @('10.0.3.2', '10.0.4.2')
        $findings[0].Policy | Should -BeLike 'rack1*'
        $findings[0].Message | Should -Match 'AS 65099.*tor1 expects remote-as internal \(= 65011\)'
    }
}

Describe 'Against the API double with Cilium''s CRDs' {
    It 'creates the issue''s example policy, reads it back and refuses it twice' {
        New-CiliumBgpPeeringPolicy -Name rack0 -NodeSelector @{rack='rack0'} -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 65010 -ExportPodCidr -Neighbor (New-CiliumBgpNeighbor -PeerAddress 10.0.0.1/32 -PeerAsn 65010)) @Cluster
        $read = Get-CiliumBgpPeeringPolicy rack0 @Cluster
        $read.VirtualRouters[0].LocalAsn | Should -Be 65010
        $read.NodeSelector.MatchLabels['rack'] | Should -Be 'rack0'
        $read.IsEquivalentTo((Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml'))[0]) | Should -BeTrue
        { New-CiliumBgpPeeringPolicy -Name rack0 -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 65010 -Neighbor (New-CiliumBgpNeighbor 10.0.0.1/32 65010)) @Cluster -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*already exists*'
    }

    It 'refuses ASN 0, a bad CIDR and reports their field paths without sending' {
        { New-CiliumBgpPeeringPolicy -Name bad -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 0 -Neighbor (New-CiliumBgpNeighbor 10.0.0.1 65010)) @Cluster -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*spec.virtualRouters[[]0].localASN*reserved*spec.virtualRouters[[]0].neighbors[[]0].peerAddress*'
        Get-CiliumBgpPeeringPolicy bad @Cluster -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'applies the scenario file with Set, changes and removes policies' {
        Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') | Set-CiliumBgpPeeringPolicy @Cluster
        (Get-CiliumBgpPeeringPolicy @Cluster).Name | Should -Be @('rack0', 'rack1')
        $changed = Set-CiliumBgpPeeringPolicy -Name rack1 -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 65011 -ExportPodCidr -Neighbor (New-CiliumBgpNeighbor 10.0.0.2/32 65011 -HoldTimeSeconds 9 -KeepAliveTimeSeconds 3)) -PassThru @Cluster
        $changed.VirtualRouters[0].Neighbors[0].HoldTimeSeconds | Should -Be 9
        $changed.NodeSelector.MatchLabels['rack'] | Should -Be 'rack1'
        Get-CiliumBgpPeeringPolicy @Cluster | Remove-CiliumBgpPeeringPolicy -Confirm:$false
        Get-CiliumBgpPeeringPolicy @Cluster | Should -BeNullOrEmpty
    }

    It 'installs Cilium with helm, reports its status and uninstalls it' {
        $installation = Install-Cilium -Version 1.12.1 -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8 -HelmPath $HelmPath -TimeoutSec 30 @Cluster
        $installation.Version | Should -Be '1.12.1'
        $installation.HelmRevision | Should -Be 1
        $installation.OperatorReady | Should -Be 2
        $installation.AgentPodsReady | Should -Be 4
        $installation.Ready | Should -BeTrue
        $installation.Values | Should -Match 'tunnel: disabled'
        (Get-CiliumStatus -HelmPath $HelmPath @Cluster).HelmStatus | Should -Be 'deployed'
        Uninstall-Cilium -HelmPath $HelmPath -Confirm:$false @Cluster
        Get-CiliumStatus -HelmPath $HelmPath @Cluster | Should -BeNullOrEmpty
    }

    It 'migrates the policies to v2 objects the cluster accepts' {
        $stored = Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') | ConvertTo-CiliumBgpV2 | Set-CiliumBgpObject -PassThru @Cluster
        @($stored).Count | Should -Be 6
        (Get-CiliumBgpObject -Kind CiliumBGPPeerConfig @Cluster).Name | Should -Be @('rack0-10.0.0.1', 'rack1-10.0.0.2')
        (Get-CiliumBgpObject -Kind CiliumBGPAdvertisement -Name rack1 @Cluster).Advertisements[0].AdvertisementType | Should -Be 'PodCIDR'
        ($stored | Where-Object Name -eq 'rack0' | Where-Object Kind -eq 'CiliumBGPClusterConfig').BgpInstances[0].LocalAsn | Should -Be 65010
    }

    It 'says what to use when helm is missing' {
        { Install-Cilium -Version 1.12.1 -HelmPath /nonexistent/helm @Cluster -ErrorAction Stop } | Should -Throw -ExpectedMessage '*does not exist*'
        try { Install-Cilium -Version 1.12.1 -HelmPath /nonexistent/helm @Cluster -ErrorAction Stop } catch { $_.ErrorDetails.RecommendedAction | Should -Match 'helm.sh' }
    }
}

Describe 'Completion' {
    It 'completes policy names from the cluster' {
        Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') | Set-CiliumBgpPeeringPolicy @Cluster
        $line = "Get-CiliumBgpPeeringPolicy -Kubeconfig '$Kubeconfig' -Context double -Name ra"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('rack0', 'rack1')
    }
}

Describe 'Test-BgpLabConfig against a cluster' {
    It 'reads the policies and nodes from the cluster when no files are given' {
        $server = (Get-Content $Kubeconfig -Raw | ConvertFrom-Json).clusters[0].cluster.server
        $headers = @{ Authorization = 'Bearer kube-api-double' }
        $ips = @{ 'control-plane' = '10.0.1.2'; worker = '10.0.2.2'; worker2 = '10.0.3.2'; worker3 = '10.0.4.2' }
        foreach ($name in $ips.Keys) {
            $full = "clab-bgp-cplane-demo-$name"
            $node = Invoke-RestMethod -Uri "$server/api/v1/nodes/$full" -Headers $headers
            $node.metadata | Add-Member -Force labels @{ rack = if ($name -in 'control-plane', 'worker') { 'rack0' } else { 'rack1' } }
            $stored = Invoke-RestMethod -Method Put -Uri "$server/api/v1/nodes/$full" -Body ($node | ConvertTo-Json -Depth 10) -ContentType 'application/json' -Headers $headers
            # Node addresses are status: written through the status subresource, as the kubelet does.
            $stored | Add-Member -Force status @{ addresses = @(@{ type = 'InternalIP'; address = $ips[$name] }) }
            Invoke-RestMethod -Method Put -Uri "$server/api/v1/nodes/$full/status" -Body ($stored | ConvertTo-Json -Depth 10) -ContentType 'application/json' -Headers $headers | Out-Null
        }
        Import-CiliumBgpPeeringPolicy (Join-Path $Scenario 'cilium-bgp-peering-policies.yaml') | Set-CiliumBgpPeeringPolicy @Cluster
        Test-BgpLabConfig -TopologyPath (Join-Path $Scenario 'topo.yaml') @Cluster | Should -BeNullOrEmpty
        Set-CiliumBgpPeeringPolicy -Name rack1 -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 65099 -ExportPodCidr -Neighbor (New-CiliumBgpNeighbor 10.0.0.2/32 65011)) @Cluster
        $findings = @(Test-BgpLabConfig -TopologyPath (Join-Path $Scenario 'topo.yaml') @Cluster)
        $findings.Router | Select-Object -Unique | Should -Be 'tor1'
        $findings.NodeAddress | Sort-Object | Should -Be @('10.0.3.2', '10.0.4.2')
    }
}
