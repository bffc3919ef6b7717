# The Kind and Kube cmdlets as users call them, against the built module ($env:BGPLAB_MODULE), the kind
# stand-in (tests/fixtures/KindStandIn) and the API-server double it starts. The scenario cluster uses fixed
# container names: run under flock /tmp/bgplab-docker.lock.
BeforeAll {
    Import-Module $env:BGPLAB_MODULE -Force
    $script:RepoRoot = (Resolve-Path "$PSScriptRoot/../..").Path
    $dir = Split-Path $RepoRoot
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/scenario/cluster.yaml'))) { $dir = Split-Path $dir }
    $script:ClusterYaml = Join-Path $dir 'shared/scenario/cluster.yaml'
    $script:StandIn = Join-Path $RepoRoot 'tests/fixtures/KindStandIn/bin/Release/net10.0/kind'
    if (-not (Test-Path $StandIn)) {
        & dotnet build (Join-Path $RepoRoot 'tests/fixtures/KindStandIn/KindStandIn.csproj') -c Release --nologo -v q | Out-Null
    }
    $script:Work = (New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "bgplab-kind-pester-$PID")).FullName
    $script:Kubeconfig = Join-Path $Work 'kubeconfig'
    $script:SavedKubeconfig = $env:KUBECONFIG
    $env:KUBECONFIG = $Kubeconfig
    $script:Pwsh = @((Get-Process -Id $PID).Path)
    if ([IO.Path]::GetFileNameWithoutExtension($Pwsh[0]) -eq 'dotnet') { $script:Pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }

    function Invoke-ChildPwsh([string] $Script) {
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("`$PSStyle.OutputRendering = 'PlainText'`nImport-Module '$env:BGPLAB_MODULE'`n" + $Script))
        & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1 | ForEach-Object { "$_" }
    }
}

AfterAll {
    Remove-KindCluster -Name clab-bgp-cplane-demo -KindPath $StandIn -Kubeconfig $Kubeconfig -ErrorAction SilentlyContinue
    $env:KUBECONFIG = $SavedKubeconfig
    Remove-Item $Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Kind cluster configs' {
    It 'imports the scenario cluster.yaml: 1 control-plane, 3 workers, no default CNI' {
        $config = Import-KindClusterConfig -Path $ClusterYaml -WarningAction SilentlyContinue
        $config.Name | Should -Be 'clab-bgp-cplane-demo'
        @($config.Nodes).Count | Should -Be 4
        @($config.Nodes.Role) | Should -Be @('control-plane', 'worker', 'worker', 'worker')
        $config.Networking.DisableDefaultCNI | Should -BeTrue
        $config.Networking.PodSubnet | Should -Be '10.1.0.0/16'
    }

    It 'exports the scenario back to an equivalent file that imports again' {
        $copy = Join-Path $Work 'copy.yaml'
        Import-KindClusterConfig $ClusterYaml -WarningAction SilentlyContinue | Export-KindClusterConfig -Path $copy
        $again = Import-KindClusterConfig $copy -WarningAction SilentlyContinue
        ($again | Export-KindClusterConfig) | Should -Be (Get-Content $copy -Raw)
        $again.Nodes[3].KubeadmConfigPatches[0] | Should -Match 'node-ip: 10\.0\.4\.2'
        { Import-KindClusterConfig $ClusterYaml -WarningAction SilentlyContinue | Export-KindClusterConfig -Path $copy } | Should -Throw -ExpectedMessage '*already exists*'
    }

    It 'builds the scenario from parameters: node IP and rack labels as kubeadm patches, control-plane Init, workers Join' {
        $nodes = @(
            New-KindNodeConfig control-plane -NodeIP 10.0.1.2 -Label @{ rack = 'rack0' } -LabelsInKubeadmPatch
            New-KindNodeConfig worker -NodeIP 10.0.2.2 -Label @{ rack = 'rack0' } -LabelsInKubeadmPatch
            New-KindNodeConfig worker -NodeIP 10.0.3.2 -Label @{ rack = 'rack1' } -LabelsInKubeadmPatch
            New-KindNodeConfig worker -NodeIP 10.0.4.2 -Label @{ rack = 'rack1' } -LabelsInKubeadmPatch
        )
        $yaml = New-KindClusterConfig -Name clab-bgp-cplane-demo -Node $nodes -DisableDefaultCni -PodSubnet 10.1.0.0/16 -WarningAction SilentlyContinue |
            Export-KindClusterConfig
        $yaml | Should -Match 'disableDefaultCNI: true'
        $yaml | Should -Match 'podSubnet: "10\.1\.0\.0/16"'
        ([regex]::Matches($yaml, 'kind: InitConfiguration')).Count | Should -Be 1
        ([regex]::Matches($yaml, 'kind: JoinConfiguration')).Count | Should -Be 3
        $yaml | Should -Match 'node-ip: "10\.0\.4\.2"\s+node-labels: "rack=rack1"'
        $yaml | Should -Not -Match 'apiVersion: kubeadm'
        $yaml | Should -Not -Match 'labels:\s+rack'
    }

    It 'refuses two control-planes, duplicate node IPs and bad subnets before kind runs' {
        { New-KindClusterConfig -ControlPlanes 2 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*2 control-plane nodes: an HA control plane needs an odd number*'
        $dup = @((New-KindNodeConfig control-plane -NodeIP 10.0.1.2), (New-KindNodeConfig worker -NodeIP 10.0.1.2))
        { New-KindClusterConfig -Node $dup -ErrorAction Stop } | Should -Throw -ExpectedMessage '*node-ip 10.0.1.2 is also the node-ip of nodes`[0`]*'
        { New-KindClusterConfig -PodSubnet 10.1.0.0/99 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*podSubnet "10.1.0.0/99" is not a valid CIDR*'
        try { New-KindClusterConfig -ControlPlanes 2 -ErrorAction Stop } catch { $_.FullyQualifiedErrorId | Should -BeLike 'KindConfigInvalid,*' }
    }

    It 'names the line of an unknown field' {
        $bad = Join-Path $Work 'bad.yaml'
        (Get-Content $ClusterYaml -Raw) -replace 'disableDefaultCNI', 'disableDefaultCni' | Set-Content $bad
        { Import-KindClusterConfig $bad -ErrorAction Stop } | Should -Throw -ExpectedMessage "*bad.yaml:6:3: unknown field ""disableDefaultCni"" in networking*"
    }
}

Describe 'New-KindCluster' {
    It 'shows the exact config and kind command with -WhatIf and creates nothing' {
        $out = Invoke-ChildPwsh "New-KindCluster -Name bgplab-whatif -Workers 2 -DisableDefaultCni -KindPath '$StandIn' -WhatIf"
        $text = $out -join "`n"
        $text | Should -Match "kind create cluster --config - --name bgplab-whatif"
        $text | Should -Match 'disableDefaultCNI: true'
        $text | Should -Match '- role: worker'
        @(Get-KindCluster -Name bgplab-whatif -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'says how to get kind when the binary is missing' {
        $record = $null
        try { New-KindCluster -Name bgplab-nokind -KindPath (Join-Path $Work 'no-kind') } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'KindNotInstalled,*'
        $record.CategoryInfo.Category | Should -Be 'NotInstalled'
        $record.ErrorDetails.RecommendedAction | Should -Match 'go install sigs\.k8s\.io/kind@v0\.32\.0'
    }

    It 'creates the scenario cluster: 4 nodes named and labelled as the scenario says, NotReady, and removes it without trace' {
        $cluster = New-KindCluster -ConfigPath $ClusterYaml -KindPath $StandIn -Kubeconfig $Kubeconfig -WarningAction SilentlyContinue
        $cluster.Name | Should -Be 'clab-bgp-cplane-demo'
        $cluster.Context | Should -Be 'kind-clab-bgp-cplane-demo'
        $cluster.KubeconfigPath | Should -Be $Kubeconfig
        @($cluster.Nodes.Name) | Should -Be @('clab-bgp-cplane-demo-control-plane', 'clab-bgp-cplane-demo-worker', 'clab-bgp-cplane-demo-worker2', 'clab-bgp-cplane-demo-worker3')
        @($cluster.Nodes | ForEach-Object { $_.Labels['rack'] }) | Should -Be @('rack0', 'rack0', 'rack1', 'rack1')
        @($cluster.Nodes.InternalIP) | Should -Be @('10.0.1.2', '10.0.2.2', '10.0.3.2', '10.0.4.2')

        $kube = @(Get-KindCluster clab-bgp-cplane-demo | Get-KubeNode)
        $kube.Count | Should -Be 4
        @($kube.Ready) | Should -Be @($false, $false, $false, $false)
        @($kube | ForEach-Object { $_.PodCidrs[0] }) | Should -Be @('10.1.0.0/24', '10.1.1.0/24', '10.1.2.0/24', '10.1.3.0/24')
        @(Get-KubeNode -Context kind-clab-bgp-cplane-demo -Selector rack=rack1).Name | Should -Be @('clab-bgp-cplane-demo-worker2', 'clab-bgp-cplane-demo-worker3')
        (Get-KubeNode -Name *worker3 -Kubeconfig $Kubeconfig -Context kind-clab-bgp-cplane-demo).InternalIP | Should -Be '10.0.4.2'

        $nodes = @(Get-KindNode -Cluster clab-bgp-cplane-demo)
        @($nodes.Role) | Should -Be @('control-plane', 'worker', 'worker', 'worker')
        @($nodes | Where-Object { $_.IPv4Address }).Count | Should -Be 4
        ($nodes | Format-Table | Out-String -Width 400) | Should -Match 'rack=rack1'

        $record = $null
        try { Get-KindCluster clab-bgp-cplane-demo | Wait-KubeNode -TimeoutSec 1 } catch { $record = $_ }
        $record.FullyQualifiedErrorId | Should -BeLike 'KubeNodeWaitTimeout,*'
        $record.Exception.Message | Should -Match 'clab-bgp-cplane-demo-worker3: Ready=False \(KubeletNotReady: container runtime network not ready'

        $exported = Export-KindKubeconfig -Name clab-bgp-cplane-demo -Path (Join-Path $Work 'exported') -KindPath $StandIn
        @($exported | Get-KubeNode).Count | Should -Be 4

        { New-KindCluster -ConfigPath $ClusterYaml -KindPath $StandIn -Kubeconfig $Kubeconfig -WarningAction SilentlyContinue -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*A Kind cluster named 'clab-bgp-cplane-demo' already exists*"

        Get-KindCluster clab-bgp-cplane-demo | Remove-KindCluster -KindPath $StandIn
        @(docker ps -a --filter label=io.x-k8s.kind.cluster=clab-bgp-cplane-demo -q).Count | Should -Be 0
        @(Get-KindCluster -Name clab-bgp-cplane-demo -ErrorAction SilentlyContinue).Count | Should -Be 0
        Get-Content $Kubeconfig -Raw | Should -Not -Match 'kind-clab-bgp-cplane-demo'
        { Remove-KindCluster -Name clab-bgp-cplane-demo -KindPath $StandIn -ErrorAction Stop } | Should -Not -Throw
    }
}

Describe 'The k8s-kind example topology' {
    It 'names the Kind cluster after its k8s-kind node and links the ext-container nodes kind creates' {
        $example = Join-Path $RepoRoot 'examples/scenario-k8s-kind.clab.yml'
        Test-ClabTopology $example | Where-Object Severity -eq 'Error' | Should -BeNullOrEmpty
        $topology = Import-ClabTopology $example
        $cluster = $topology.Nodes | Where-Object { $_.Effective.Kind -eq 'k8s-kind' }
        $config = Import-KindClusterConfig (Join-Path (Split-Path $example) $cluster.Effective.StartupConfig) -WarningAction SilentlyContinue
        $config.Name | Should -Be $cluster.Name
        $counts = @{}
        $expected = foreach ($role in $config.Nodes.Role) { $counts[$role] = 1 + [int]$counts[$role]; "$($cluster.Name)-$role$(if ($counts[$role] -gt 1) { $counts[$role] })" }
        @(($topology.Nodes | Where-Object { $_.Effective.Kind -eq 'ext-container' }).Name) | Should -Be @($expected)
    }
}

Describe 'Deploy-ClabTopology with a k8s-kind node' {
    It 'creates the cluster through -KindPath, lists it under -WhatIf and Remove-ClabTopology deletes it' {
        $labWork = (New-Item -ItemType Directory -Force (Join-Path $Work 'k8s-kind-lab')).FullName
        Copy-Item (Join-Path $RepoRoot 'examples/scenario-k8s-kind.*') $labWork
        $topologyPath = Join-Path $labWork 'scenario-k8s-kind.clab.yml'
        try {
            $lab = Deploy-ClabTopology $topologyPath -KindPath $StandIn -Kubeconfig $Kubeconfig -Capability NET_ADMIN, NET_RAW, NET_BIND_SERVICE, SYS_ADMIN, SYS_PTRACE -WarningAction SilentlyContinue
            $clusterNode = $lab.Nodes | Where-Object Kind -eq 'k8s-kind'
            $clusterNode.Name | Should -Be 'clab-bgp-cplane-demo'
            $clusterNode.State | Should -Be 'running'
            @(Get-KindCluster clab-bgp-cplane-demo).Nodes.Count | Should -Be 4

            $whatIf = Invoke-ChildPwsh "Remove-ClabTopology '$topologyPath' -KindPath '$StandIn' -Kubeconfig '$Kubeconfig' -WhatIf"
            ($whatIf -join "`n") | Should -Match 'KindCluster clab-bgp-cplane-demo'
            @(Get-KindCluster clab-bgp-cplane-demo).Count | Should -Be 1

            $removed = Remove-ClabTopology $topologyPath -KindPath $StandIn -Kubeconfig $Kubeconfig -Confirm:$false -PassThru
            @($removed | Where-Object Kind -eq 'KindCluster').Name | Should -Be 'clab-bgp-cplane-demo'
            Get-KindCluster | Where-Object Name -eq clab-bgp-cplane-demo | Should -BeNullOrEmpty
            Test-Path (Join-Path $labWork 'clab-bgp-cplane-demo') | Should -BeFalse
        }
        finally {
            Remove-ClabTopology $topologyPath -KindPath $StandIn -Kubeconfig $Kubeconfig -Confirm:$false -ErrorAction SilentlyContinue
        }
    }
}
