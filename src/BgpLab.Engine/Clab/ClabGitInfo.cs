namespace BgpLab.Engine.Clab;

/// <summary>
/// The <c>__gitBranch__</c>/<c>__gitHash__</c> magic variables of a topology name, as containerlab works them out
/// (core/config.go getGitInfo: go-git PlainOpen of the topology file's own directory, no search upwards): the
/// branch with "/" replaced by "-" ("HEAD" when detached), the 7-character commit hash, "none" for either when
/// the directory is not a repository or the branch has no commit yet. Read from the .git files, no git process.
/// </summary>
public static class ClabGitInfo
{
    public const string BranchVariable = "__gitBranch__";
    public const string HashVariable = "__gitHash__";

    /// <summary>The name with both variables replaced (unchanged when it uses neither).</summary>
    public static string ExpandName(string name, string? topologyDirectory)
    {
        if (!name.Contains(BranchVariable, StringComparison.Ordinal) && !name.Contains(HashVariable, StringComparison.Ordinal)) return name;
        var (branch, hash) = Read(topologyDirectory);
        return name.Replace(BranchVariable, branch.Replace('/', '-'), StringComparison.Ordinal).Replace(HashVariable, hash, StringComparison.Ordinal);
    }

    /// <summary>(branch, short hash) of the repository whose work tree is <paramref name="directory"/>.</summary>
    public static (string Branch, string Hash) Read(string? directory)
    {
        const string none = "none";
        try
        {
            if (directory is null) return (none, none);
            var dotGit = Path.Combine(directory, ".git");
            string gitDir;
            if (Directory.Exists(dotGit)) gitDir = dotGit;
            else if (File.Exists(dotGit) && File.ReadAllText(dotGit).Trim() is var link && link.StartsWith("gitdir:", StringComparison.Ordinal))
                gitDir = Path.GetFullPath(link["gitdir:".Length..].Trim(), directory); // a linked worktree or submodule
            else return (none, none);

            var head = File.ReadAllText(Path.Combine(gitDir, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal))
                return ("HEAD", head.Length >= 7 ? head[..7] : none); // detached
            var reference = head["ref:".Length..].Trim();
            var branch = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference;
            var hash = ResolveReference(gitDir, reference);
            return (branch, hash is { Length: >= 7 } ? hash[..7] : none);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (none, none);
        }
    }

    private static string? ResolveReference(string gitDir, string reference)
    {
        // Linked worktrees keep branches in the common directory named by "commondir".
        var commonFile = Path.Combine(gitDir, "commondir");
        var commonDir = File.Exists(commonFile) ? Path.GetFullPath(File.ReadAllText(commonFile).Trim(), gitDir) : gitDir;
        foreach (var dir in new[] { gitDir, commonDir })
        {
            var loose = Path.Combine(dir, reference);
            if (File.Exists(loose)) return File.ReadAllText(loose).Trim();
        }
        var packed = Path.Combine(commonDir, "packed-refs");
        if (!File.Exists(packed)) return null;
        foreach (var line in File.ReadLines(packed))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length == 2 && parts[1].Trim() == reference && !line.StartsWith('#')) return parts[0];
        }
        return null;
    }
}
