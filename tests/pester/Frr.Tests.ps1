# The FRR cmdlets as users call them, on a small lab of real FRR routers deployed with Deploy-ClabTopology
# under a unique name: r1 (AS 65001) and r2 (AS 65002) peering over 192.0.2.0/31, r1 announcing 10.100.0.0/16,
# and 'plain', a node where FRR is not started.
BeforeAll {
    Import-Module $env:BGPLAB_MODULE -Force
    $script:Lab = 'bgplab-frr-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
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
      - ip route add blackhole 10.100.0.0/16
      - sed -i s/bgpd=no/bgpd=yes/ /etc/frr/daemons
      - touch /etc/frr/vtysh.conf
      - /usr/lib/frr/frrinit.sh start
      - vtysh -c 'conf t' -c 'router bgp 65001' -c 'bgp router-id 10.255.0.1' -c 'no bgp ebgp-requires-policy' -c 'neighbor 192.0.2.0 remote-as 65002' -c 'neighbor 192.0.2.0 description to-r2' -c 'neighbor 198.51.100.7 remote-as 65007' -c 'address-family ipv4 unicast' -c 'network 10.100.0.0/16'
    r2:
      kind: linux
      exec:
      - ip addr add 192.0.2.0/31 dev net0
      - sed -i s/bgpd=no/bgpd=yes/ /etc/frr/daemons
      - touch /etc/frr/vtysh.conf
      - /usr/lib/frr/frrinit.sh start
      - vtysh -c 'conf t' -c 'router bgp 65002' -c 'bgp router-id 10.255.0.2' -c 'no bgp ebgp-requires-policy' -c 'neighbor 192.0.2.1 remote-as 65001'
    plain:
      kind: linux
  links:
  - endpoints: ["r1:net0", "r2:net0"]
"@
    $global:BgpLabCapability = 'NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'SYS_PTRACE'
    Deploy-ClabTopology -Path $TopoPath -WarningAction SilentlyContinue | Out-Null
    $script:R1Container = "clab-$Lab-r1"
    $script:R2Container = "clab-$Lab-r2"
}

AfterAll {
    Remove-ClabTopology -Name $Lab -Confirm:$false -ErrorAction SilentlyContinue
    docker network rm $Lab 2>$null | Out-Null
    Remove-Variable -Name BgpLabCapability -Scope Global -ErrorAction SilentlyContinue
    Remove-Item $Dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Wait-FrrBgpSession' {
    It 'returns the sessions once they are Established' {
        $sessions = Wait-FrrBgpSession -Lab $Lab -Node r1, r2 -Neighbor 192.0.2.0, 192.0.2.1 -TimeoutSec 90
        $sessions.Count | Should -Be 2
        $sessions | ForEach-Object { $_.State.ToString() | Should -Be 'Established' }
        ($sessions | Where-Object Router -eq 'r1').RemoteAs | Should -Be 65002
    }

    It 'times out with an error listing each session that is not up and why' {
        $err = { Wait-FrrBgpSession -Lab $Lab -Node r1 -TimeoutSec 2 } | Should -Throw -ErrorId 'FrrBgpSessionTimeout,BgpLab.Frr.WaitFrrBgpSessionCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err.Exception.Message | Should -Match 'r1 198\.51\.100\.7 \(AS 65007\): (Active|Connect|Idle), last reset: '
        $err.Exception.Message | Should -Not -Match '192\.0\.2\.0'

    }
}

Describe 'Get-FrrBgpSummary' {
    It 'gives one typed peer per neighbor with the contract properties' {
        $peers = Get-FrrBgpSummary -Lab $Lab -Node r1 -AddressFamily ipv4
        $peers.Count | Should -Be 2
        $r2 = $peers | Where-Object Neighbor -eq '192.0.2.0'
        $r2.GetType().FullName | Should -Be 'BgpLab.Engine.Frr.FrrBgpPeer'
        $r2.Router | Should -Be 'r1'
        $r2.LocalAs | Should -Be 65001
        $r2.RemoteAs | Should -Be 65002
        $r2.NeighborHostname | Should -Be 'r2'
        $r2.State.ToString() | Should -Be 'Established'
        $r2.Uptime | Should -BeOfType ([TimeSpan])
        $r2.PrefixesSent | Should -Be 1
        $r2.Description | Should -Be 'to-r2'
    }

    It 'takes nodes from Get-ClabNode through the pipeline' {
        $peers = Get-ClabNode -Lab $Lab -Node r2 | Get-FrrBgpSummary
        $peers.Router | Select-Object -Unique | Should -Be 'r2'
        ($peers | Where-Object Neighbor -eq '192.0.2.1').PrefixesReceived | Should -Be 1
    }

    It 'shows a view like show bgp summary wide' {
        $text = Get-FrrBgpSummary -Container $R1Container -AddressFamily ipv4 | Out-String -Width 200
        $text | Should -Match 'Neighbor\s+Hostname\s+AS\s+LocalAS\s+MsgRcvd\s+MsgSent.*Up/Down\s+State/PfxRcd\s+PfxSnt\s+Desc'
        $text | Should -Match '192\.0\.2\.0\s+r2\s+65002\s+65001'
    }

    It 'reports a node where FRR is not running and still answers for the others' {
        $err = $null
        $peers = Get-FrrBgpSummary -Lab $Lab -Node r2, plain -ErrorVariable err -ErrorAction SilentlyContinue
        $peers.Router | Select-Object -Unique | Should -Be 'r2'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'FrrNotRunning,BgpLab.Frr.GetFrrBgpSummaryCommand'
        $err[0].Exception.Message | Should -Match "'plain'"
    }

    It 'names the missing node and the lab''s nodes' {
        { Get-FrrBgpSummary -Lab $Lab -Node r9 -ErrorAction Stop } | Should -Throw -ErrorId 'FrrNodeNotFound,BgpLab.Frr.GetFrrBgpSummaryCommand'
    }
}

Describe 'Get-FrrBgpRoute and Wait-FrrBgpRoute' {
    It 'waits for the prefix, then returns typed paths' {
        $best = Wait-FrrBgpRoute -Container $R2Container -Prefix 10.100.0.0/16 -TimeoutSec 60
        $best.Prefix.ToString() | Should -Be '10.100.0.0/16'
        $route = Get-FrrBgpRoute -Container $R2Container -Prefix 10.100.0.0/16 -BestOnly
        $route.GetType().FullName | Should -Be 'BgpLab.Engine.Frr.FrrBgpRoute'
        $route.Prefix | Should -BeOfType ([System.Net.IPNetwork])
        $route.AsPath | Should -Be @(65001)
        $route.NextHops[0].Address.ToString() | Should -Be '192.0.2.1'
        $route.Origin | Should -Be 'IGP'
        $route.IsBest | Should -BeTrue
        $route.Router | Should -Be 'r2'
    }

    It 'rejects a malformed prefix' {
        { Get-FrrBgpRoute -Container $R2Container -Prefix 10.100.0.1/16 -ErrorAction Stop } | Should -Throw -ErrorId 'FrrBadPrefixArgument,BgpLab.Frr.GetFrrBgpRouteCommand'
    }

    It 'times out naming what is missing' {
        { Wait-FrrBgpRoute -Container $R2Container -Count 5 -TimeoutSec 1 -ErrorAction Stop } | Should -Throw '*r2: 1 of 5 prefixes*'
    }
}

Describe 'Get-FrrBgpNeighbor and Get-FrrRoute' {
    It 'shows neighbor detail and the installed BGP route' {
        $n = Get-FrrBgpNeighbor -Container $R1Container -Neighbor 192.0.2.0
        $n.HoldTime | Should -Be ([TimeSpan]::FromSeconds(180))
        $n.Capabilities['4byteAs'] | Should -Be 'advertisedAndReceived'
        (Get-FrrBgpNeighbor -Container $R1Container -Neighbor 198.51.100.7).LastResetReason | Should -Not -BeNullOrEmpty
        $rib = Get-FrrRoute -Container $R2Container -Protocol bgp
        ($rib | Where-Object { $_.Prefix.ToString() -eq '10.100.0.0/16' }).IsInstalled | Should -BeTrue
    }
}

Describe 'Invoke-FrrVtysh' {
    It 'runs several commands in one call and parses JSON documents' {
        $docs = Invoke-FrrVtysh -Container $R1Container -Command 'show bgp ipv4 summary json', 'show bgp neighbors json' -AsJson
        $docs.Count | Should -Be 2
        $docs[0].ipv4Unicast.as | Should -Be 65001
        $docs[0].Router | Should -Be 'r1'
        (Invoke-FrrVtysh -Lab $Lab -Node r1 -Command 'show bgp ipv4 summary').Output | Should -Match 'BGP router identifier 10\.255\.0\.1'
    }

    It 'names the router when vtysh rejects a command' {
        { Invoke-FrrVtysh -Container $R1Container -Command 'show bgp nonsense' -ErrorAction Stop } |
            Should -Throw -ErrorId 'FrrVtyshError,BgpLab.Frr.InvokeFrrVtyshCommand'
    }

    It 'changes nothing with -WhatIf' {
        Invoke-FrrVtysh -Container $R1Container -Command 'conf t', 'router bgp 65001', 'neighbor 203.0.113.9 remote-as 65009' -WhatIf | Should -BeNullOrEmpty
        (Get-FrrBgpSummary -Container $R1Container -AddressFamily ipv4).Neighbor | Should -Not -Contain '203.0.113.9'
    }
}
