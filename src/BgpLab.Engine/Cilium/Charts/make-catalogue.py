#!/usr/bin/env python3
"""Regenerates the per-minor Cilium chart key catalogues (chart-keys-1.NN.txt) embedded in BgpLab.Engine.

Reads the published chart archives (cilium-<version>.tgz) from a git checkout or mirror of
github.com/cilium/charts and, for the newest patch release of each minor version, writes every key the
chart knows: the keys of its values.yaml plus every `.Values.x.y` its templates read (except templates/validate.yaml, which names removed keys) (many keys, such as
ipv4NativeRoutingCIDR in 1.12, exist only as comments in values.yaml). A line ending in `.*` marks a
key whose children are free-form (an empty map, a list, null, or a value the templates pass through whole).

Usage: make-catalogue.py <cilium/charts git dir> [minor ...]     e.g. make-catalogue.py /work/.mirror/cilium+charts/repo
"""
import io, os, re, subprocess, sys, tarfile
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
MINORS = sys.argv[2:] or [f"1.{m}" for m in range(12, 21)]
repo = sys.argv[1]


def git(*args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True).stdout


def newest_patch(minor):
    names = git("ls-tree", "--name-only", "HEAD").decode().split()
    pattern = re.compile(rf"^cilium-{re.escape(minor)}\.(\d+)\.tgz$")
    patches = sorted(int(m.group(1)) for n in names if (m := pattern.match(n)))
    return f"{minor}.{patches[-1]}"


def flatten(node, prefix, keys, open_keys):
    for key, value in node.items():
        path = f"{prefix}{key}"
        keys.add(path)
        if isinstance(value, dict) and value:
            if all("/" in str(k) for k in value):  # label/annotation maps such as nodeSelector
                open_keys.add(path)
            flatten(value, path + ".", keys, open_keys)
        elif isinstance(value, dict) or isinstance(value, list) or value is None:
            open_keys.add(path)


for minor in MINORS:
    version = newest_patch(minor)
    blob = git("rev-parse", f"HEAD:cilium-{version}.tgz").decode().strip()
    archive = tarfile.open(fileobj=io.BytesIO(git("show", f"HEAD:cilium-{version}.tgz")))
    keys, open_keys = set(), set()
    values = yaml.safe_load(archive.extractfile("cilium/values.yaml")) or {}
    flatten(values, "", keys, open_keys)
    for member in archive.getmembers():
        # validate.yaml reads removed keys only to fail on them: they are not keys the chart has.
        if not member.isfile() or "/templates/" not in member.name or member.name.endswith("/validate.yaml"):
            continue
        text = archive.extractfile(member).read().decode("utf-8", "replace")
        for match in re.finditer(r"\.Values\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)", text):
            parts = match.group(1).split(".")
            for i in range(1, len(parts) + 1):
                keys.add(".".join(parts[:i]))
        for match in re.finditer(r"toYaml\s+\(?\s*\.Values\.([A-Za-z0-9_.]+)", text):
            open_keys.add(match.group(1))
    out = os.path.join(HERE, f"chart-keys-{minor}.txt")
    with open(out, "w") as f:
        f.write(f"# cilium chart {version}: cilium/charts cilium-{version}.tgz (git blob {blob})\n")
        for key in sorted(keys | open_keys):
            f.write(key + (".*" if key in open_keys else "") + "\n")
    print(f"{minor}: {version}, {len(keys)} keys -> {os.path.relpath(out)}")
