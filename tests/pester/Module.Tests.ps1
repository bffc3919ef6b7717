BeforeAll {
    $script:ModulePath = $env:BGPLAB_MODULE
    # Child sessions start like this one: under 'dotnet pwsh' (the local tool) the process is dotnet itself.
    $script:Pwsh = @((Get-Process -Id $PID).Path)
    if ([IO.Path]::GetFileNameWithoutExtension($Pwsh[0]) -eq 'dotnet') { $script:Pwsh += [Reflection.Assembly]::GetEntryAssembly().Location }
    # ../shared from the repository root (from a worktree one level deeper, the nearest shared/ above it).
    $dir = Split-Path (Resolve-Path "$PSScriptRoot/../..").Path
    while ($dir -and -not (Test-Path (Join-Path $dir 'shared/scenario/topo.yaml'))) { $dir = Split-Path $dir }
    $script:ScenarioTopology = Join-Path $dir 'shared/scenario/topo.yaml'
}

Describe 'The built module' {
    It 'imports into a session that already loaded another YamlDotNet' {
        # A different YamlDotNet (11.x, from the NuGet cache) is loaded first, as another module would do;
        # BgpLab's own 18.x must still be the one its engine uses.
        $other = Get-ChildItem (Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages/yamldotnet') -Directory |
            Where-Object Name -NotLike '18.*' | Select-Object -First 1
        $other | Should -Not -BeNullOrEmpty -Because 'tests/tools restores a second YamlDotNet for this test'
        # 11.x ships netstandard2.1 (not 2.0); take whichever netstandard2.x build the package has.
        $otherDll = Get-ChildItem "$($other.FullName)/lib" -Recurse -Filter YamlDotNet.dll |
            Where-Object { $_.Directory.Name -like 'netstandard2.*' } | Sort-Object FullName | Select-Object -First 1
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$($otherDll.FullName)'
Import-Module '$ModulePath'
`$t = Import-ClabTopology -Path '$ScenarioTopology'
[AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } |
    ForEach-Object { `$_.GetName().Version.Major.ToString() + ':' + [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
"Nodes=`$(`$t.Nodes.Count)"
"@
        $out = & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $script 2>&1
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
