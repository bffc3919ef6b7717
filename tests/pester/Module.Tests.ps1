BeforeAll {
    $script:ModulePath = $env:BGPLAB_MODULE
}

Describe 'The built module' {
    It 'imports into a session that already loaded another YamlDotNet' {
        # A different YamlDotNet (11.x, from the NuGet cache) is loaded first, as another module would do;
        # BgpLab's own 18.x must still be the one its engine uses.
        $other = Get-ChildItem (Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/yamldotnet') -Directory |
            Where-Object Name -NotLike '18.*' | Select-Object -First 1
        $other | Should -Not -BeNullOrEmpty -Because 'tests/tools restores a second YamlDotNet for this test'
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$($other.FullName)/lib/netstandard2.0/YamlDotNet.dll'
Import-Module '$ModulePath'
`$t = Import-ClabTopology -Path '$PSScriptRoot/../../../shared/scenario/topo.yaml'
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } |
    ForEach-Object { `$_.GetName().Version.Major.ToString() + ':' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"Nodes=`$(`$t.Nodes.Count)"
"@
        $out = & (Get-Process -Id $PID).Path -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain 'Nodes=7'
        $out | Should -Contain "$($other.Name.Split('.')[0]):Default"
        $out | Should -Contain '18:BgpLab'
    }

    It 'exports cmdlets that all have help with examples' {
        Import-Module $ModulePath -Force
        $commands = Get-Command -Module BgpLab
        $commands.Count | Should -BeGreaterThan 0
        foreach ($c in $commands) {
            $help = Get-Help $c.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because "$($c.Name) needs a synopsis"
            @($help.Examples.Example).Count | Should -BeGreaterThan 0 -Because "$($c.Name) needs an example"
        }
    }

    It 'uses approved verbs only' {
        Import-Module $ModulePath -Force
        $approved = (Get-Verb).Verb
        foreach ($c in Get-Command -Module BgpLab) { $approved | Should -Contain $c.Verb }
    }
}
