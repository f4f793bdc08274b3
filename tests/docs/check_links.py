#!/usr/bin/env python3
"""Checks that lrq's documentation and comments point only at files the repository ships.

1. Every relative link of every Markdown file resolves to a file or folder of the repository, and a
   `#fragment` to a heading of the Markdown file it names (GitHub's heading anchors).
2. No file names a document outside the repository: the project's shared specification folder
   (`shared/` beside or above the checkout), `spec/NAME.md` or `design/NAME.md`, or any `.md` path
   that does not exist in the repository.

The files are those git tracks or would track (not ignored), or every file under --root when it
is not a git checkout.

  check_links.py --root REPO     exit 1 and list every problem, exit 0 when there is none
  check_links.py --self-test     check the checker on a made-up tree with known problems
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import urllib.parse

THIS_FILE = "tests/docs/check_links.py"  # holds the forbidden patterns themselves

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"`+[^`]*`+")
INLINE_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")

OUTSIDE_SHARED = re.compile(r"(?:\.\./|/work/)shared\b")
OUTSIDE_SPEC = re.compile(r"\b(?:spec|design)/[\w.-]+\.md\b")
MARKDOWN_PATH = re.compile(r"[\w./-]*[\w-]\.md\b")


def repository_files(root, use_git=True):
    """Paths relative to root, '/'-separated."""
    if use_git:
        try:
            command = ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                       "--exclude-standard"]
            listed = subprocess.run(command, check=True, capture_output=True).stdout
            paths = (path for path in listed.decode().split("\0") if path)
            return sorted(path for path in paths if pathlib.Path(root, path).is_file())
        except (OSError, subprocess.CalledProcessError):
            pass
    files = []
    for directory, folders, names in os.walk(root):
        folders[:] = [f for f in folders if not f.startswith((".git", "build"))]
        for name in names:
            files.append(pathlib.Path(directory, name).relative_to(root).as_posix())
    return sorted(files)


def read_text(path):
    data = path.read_bytes()
    return None if b"\0" in data else data.decode("utf-8", errors="replace")


def prose_lines(text):
    """(line number, line) outside fenced code blocks, inline code removed."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, INLINE_CODE.sub("", line)


def heading_anchor(heading):
    """GitHub's anchor for a heading: the text lower-cased, punctuation other than '-' and '_'
    dropped, spaces made hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors_of(text):
    anchors, seen = set(), {}
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if not match:
            continue
        anchor = heading_anchor(match.group(2))
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        anchors.add(anchor if count == 0 else f"{anchor}-{count}")
    return anchors


def link_targets(text):
    for number, line in prose_lines(text):
        for match in INLINE_LINK.finditer(line):
            yield number, match.group(1)
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            yield number, definition.group(1)


class Repository:
    def __init__(self, root, use_git=True):
        self.root = pathlib.Path(root).resolve()
        self.files = repository_files(self.root, use_git)
        self.file_set = set(self.files)
        self.folders = {str(pathlib.PurePosixPath(f).parent) for f in self.files}
        for folder in list(self.folders):
            self.folders.update(str(p) for p in pathlib.PurePosixPath(folder).parents)
        self.basenames = {pathlib.PurePosixPath(f).name for f in self.files}
        self._anchors = {}

    def relative(self, base_folder, target):
        """The repository path of `target` seen from `base_folder`, or None outside it."""
        joined = os.path.normpath(os.path.join(base_folder, target)).replace(os.sep, "/")
        return None if joined == ".." or joined.startswith("../") else joined

    def exists(self, path):
        return path is not None and (path in self.file_set or path.rstrip("/") in self.folders)

    def anchors(self, path):
        if path not in self._anchors:
            self._anchors[path] = anchors_of(read_text(self.root / path) or "")
        return self._anchors[path]


def check_links(repository, path, text):
    problems = []
    folder = str(pathlib.PurePosixPath(path).parent)
    for number, target in link_targets(text):
        if SCHEME.match(target):
            continue
        file_part, _, fragment = urllib.parse.unquote(target).partition("#")
        linked = repository.relative(folder, file_part) if file_part else path
        where = f"{path}:{number}: link '{target}'"
        if not repository.exists(linked):
            problems.append(f"{where}: no such file in the repository")
        elif fragment and linked.endswith(".md") and fragment not in repository.anchors(linked):
            problems.append(f"{where}: {linked} has no heading with anchor '#{fragment}'")
    return problems


def check_mentions(repository, path, text):
    problems = []
    folder = str(pathlib.PurePosixPath(path).parent)
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{path}:{number}"
        if OUTSIDE_SHARED.search(line) or OUTSIDE_SPEC.search(line):
            problems.append(f"{where}: names a document outside the repository: {line.strip()}")
            continue
        # In Markdown, link targets are check_links' business; one report per broken link.
        prose = INLINE_LINK.sub("", line) if path.endswith(".md") else line
        for match in MARKDOWN_PATH.finditer(URL.sub("", prose)):
            name = match.group(0)
            if "/" in name:
                found = repository.exists(repository.relative(folder, name)) or repository.exists(
                    repository.relative(".", name.lstrip("/")))
            else:
                found = name in repository.basenames
            if not found:
                problems.append(f"{where}: names '{name}', which the repository does not have")
    return problems


def check(root, use_git=True):
    repository = Repository(root, use_git)
    problems = []
    for path in repository.files:
        if path == THIS_FILE:
            continue
        text = read_text(repository.root / path)
        if text is None:
            continue
        if path.endswith(".md"):
            problems += check_links(repository, path, text)
        problems += check_mentions(repository, path, text)
    return problems


SELF_TEST_TREE = {
    "README.md": "# Top\n\n## Two words\n\nSee [guide](docs/guide.md#usage), [top](#two-words),\n"
                 "[site](https://example.com/x.md) and [folder](docs/).\n"
                 "```\n[not a link](nowhere.txt)\n```\n",
    "docs/guide.md": "# Guide\n\n## Usage\n\nBack to [the README](../README.md#top).\n",
    "src/main.cpp": "// The format of docs/guide.md.\nint main() { return 0; }\n",
}
SELF_TEST_BREAKAGES = {
    "a missing file": ("docs/guide.md", "[gone](missing.md)\n", "no such file in the repository"),
    "a missing anchor": ("README.md", "[bad](docs/guide.md#nowhere)\n", "no heading with anchor"),
    "a link out of the tree": ("README.md", "[up](../outside.md)\n", "no such file"),
    "an outside spec": ("src/main.cpp", "// see spec/algorithm.md\n", "outside the repository"),
    "a design note": ("src/main.cpp", "// see design/architecture.md\n", "outside the repository"),
    "the shared folder": ("src/main.cpp", "# ../shared/README\n", "outside the repository"),
    "an absent document": ("src/main.cpp", "// see benchmarks.md\n", "does not have"),
}


def write_tree(root, tree):
    for path, text in tree.items():
        target = pathlib.Path(root, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def self_test():
    failures = []
    with tempfile.TemporaryDirectory() as clean:
        write_tree(clean, SELF_TEST_TREE)
        problems = check(clean, use_git=False)
        if problems:
            failures.append("the clean tree has problems: " + "; ".join(problems))
    for what, (path, addition, expected) in SELF_TEST_BREAKAGES.items():
        with tempfile.TemporaryDirectory() as broken:
            tree = dict(SELF_TEST_TREE)
            tree[path] = tree[path] + addition
            write_tree(broken, tree)
            problems = check(broken, use_git=False)
            if len(problems) != 1 or expected not in problems[0]:
                failures.append(f"{what}: expected one problem with '{expected}', got {problems}")
    for failure in failures:
        print(f"self-test: {failure}", file=sys.stderr)
    print(f"self-test: {len(SELF_TEST_BREAKAGES) - len(failures)} of {len(SELF_TEST_BREAKAGES)} "
          "breakages found" if not failures else "self-test failed")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, help="the repository to check")
    parser.add_argument("--self-test", action="store_true", help="test the checker itself")
    arguments = parser.parse_args()
    if arguments.self_test:
        return self_test()
    if arguments.root is None:
        parser.error("--root is required")
    problems = check(arguments.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problems" if problems else "every link and mention resolves")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
