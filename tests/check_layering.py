#!/usr/bin/python3
"""The layering rules of docs/ARCHITECTURE.md §1-2, checked on the sources (ctest core.layering):

- no folder of core/, ui/ or app/ includes a folder that includes it back (directly or through
  others), counting each folder's top level (ui/*.cpp) as a folder of its own;
- ui/ and app/ never include torch, not even through a core header;
- core/ never includes Qt;
- core/train includes neither core/insight nor core/dist;
- run files are read through one reader: readRunFile and readRunSummary (the structural read)
  are called only inside core/runs; everything else calls readValidRun (docs/ARCHITECTURE.md §8).

Prints every violation with the file and include that cause it; exit 1 if there is any.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
LAYERS = ["core", "ui", "app"]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
RAW_RUN_READ = re.compile(r'\b(readRunFile|readRunSummary)\s*\(')


def sources():
    for layer in LAYERS:
        for folder, _, files in os.walk(os.path.join(ROOT, layer)):
            for name in files:
                if name.endswith((".h", ".cpp")):
                    yield os.path.relpath(os.path.join(folder, name), ROOT)


def includes(path):
    with open(os.path.join(ROOT, path), errors="replace") as f:
        return INCLUDE.findall(f.read())


def resolve(name, src):
    for base in [os.path.dirname(src)] + LAYERS:
        candidate = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(ROOT, candidate)):
            return candidate
    return None


def folder_of(path):
    parts = path.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0] + "/(top)"


def main():
    problems = []
    graph, why, project = {}, {}, {}
    system = {}
    for src in sources():
        project[src] = []
        system[src] = []
        for kind, name in includes(src):
            target = resolve(name, src) if kind == '"' else None
            if target:
                project[src].append(target)
                a, b = folder_of(src), folder_of(target)
                if a != b:
                    graph.setdefault(a, set()).add(b)
                    why.setdefault((a, b), f"{src} includes {name}")
            else:
                system[src].append(name)

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    for a in sorted(graph):
        for b in sorted(graph[a]):
            if a in reach(b):
                problems.append(f"folder cycle: {a} -> {b} ({why[(a, b)]}) and {b} leads back to {a}")

    # Torch reached from ui/ or app/ through any chain of project headers.
    torchy = {}

    def reaches_torch(path, stack=()):
        if path in torchy:
            return torchy[path]
        torchy[path] = None  # cycles of headers: not torch through this path
        direct = next((n for n in system.get(path, []) if n.startswith(("torch/", "ATen/", "c10/"))), None)
        found = path + " includes <" + direct + ">" if direct else None
        for target in project.get(path, []):
            if found:
                break
            if target.endswith(".h"):
                sub = reaches_torch(target)
                if sub:
                    found = path + " -> " + sub
        torchy[path] = found
        return found

    for src in sorted(project):
        layer = src.split("/")[0]
        if layer in ("ui", "app"):
            chain = reaches_torch(src)
            if chain:
                problems.append(f"torch in {layer}/: {chain}")
        if layer == "core":
            for name in system[src]:
                if name.startswith(("Q", "qt")) and not name.startswith("queue"):
                    problems.append(f"Qt in core/: {src} includes <{name}>")
        if src.startswith("core/train/"):
            for target in project[src]:
                if target.startswith(("core/insight/", "core/dist/")):
                    problems.append(f"core/train reaches {folder_of(target)}: {src} includes {target}")

    for src in sorted(project):
        if src.startswith("core/runs/"):
            continue
        with open(os.path.join(ROOT, src), errors="replace") as f:
            for number, line in enumerate(f, 1):
                if RAW_RUN_READ.search(line):
                    problems.append(f"run file read around the one reader: {src}:{number} calls "
                                    f"{RAW_RUN_READ.search(line).group(1)} (use readValidRun)")

    for p in problems:
        print(p)
    print(f"{len(project)} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
