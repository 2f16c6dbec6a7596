#!/usr/bin/env python3
"""Checks that every relative link in flatnet's documentation resolves: the file exists,
and an anchor (`#section`) names a heading of that file, as GitHub derives anchors from
headings. Also checks the citations of the docs in code comments, written as
`README.md#anchor` or `docs/NAME.md#anchor`, in scripts/, Sources/, Tests/ and
Package.swift, so a renamed section cannot leave a comment pointing nowhere.

Usage: check_links.py [FILE.md ...]   (default: README.md and docs/*.md; exit 1 on a
                                       broken link, each named with file and line)
       check_links.py --self-test     (shows that the check fails on broken links)
No root, no network; runs in well under a second.
"""
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# [text](target) and ![alt](target); the text may hold `code` but no nested brackets.
LINK = re.compile(r"!?\[[^\]]*\]\(([^()\s]+)\)")
# A documentation citation in code: README.md#anchor or docs/name.md#anchor.
CITATION = re.compile(r"\b((?:README|docs/[A-Za-z0-9_-]+)\.md(?:#[A-Za-z0-9_-]+)?)")
CODE_SUFFIXES = (".swift", ".sh", ".py", ".c", ".h")


def slug(heading):
    """GitHub's anchor for a heading: link text kept, lower case, punctuation other than
    '-' and '_' dropped, spaces turned into '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip())
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def markdown_lines(path):
    """(line number, text) of every line outside fenced code blocks."""
    fenced = False
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
                continue
            if not fenced:
                yield number, line


def anchors(path, cache={}):
    if path not in cache:
        found, seen = set(), {}
        for _, line in markdown_lines(path):
            heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
            if not heading:
                continue
            base = slug(heading.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        cache[path] = found
    return cache[path]


def problem(target, base_directory, current_file):
    """Why `target` (relative to base_directory) does not resolve, or None."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target):
        return None  # http:, https:, mailto: are not checked (no network)
    path, _, anchor = target.partition("#")
    resolved = os.path.normpath(os.path.join(base_directory, path)) if path else current_file
    if not os.path.exists(resolved):
        return f"no file {os.path.relpath(resolved, ROOT)}"
    if anchor and not resolved.endswith(".md"):
        return f"anchor #{anchor} on a file that is not markdown"
    if anchor and anchor not in anchors(resolved):
        return f"no heading with anchor #{anchor} in {os.path.relpath(resolved, ROOT)}"
    return None


def check_markdown(path):
    errors = []
    for number, line in markdown_lines(path):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            reason = problem(target, os.path.dirname(path), path)
            if reason:
                errors.append(f"{os.path.relpath(path, ROOT)}:{number}: broken link {target}: {reason}")
    return errors


def code_files():
    for top in ("scripts", "Sources", "Tests"):
        for directory, _, names in os.walk(os.path.join(ROOT, top)):
            for name in sorted(names):
                if name.endswith(CODE_SUFFIXES) and name != os.path.basename(__file__):
                    yield os.path.join(directory, name)
    yield os.path.join(ROOT, "Package.swift")


def check_citations(path):
    errors = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            for target in CITATION.findall(line):
                reason = problem(target, ROOT, path)
                if reason:
                    errors.append(f"{os.path.relpath(path, ROOT)}:{number}: broken citation {target}: {reason}")
    return errors


def check(markdown_files, citation_files):
    errors = []
    for path in markdown_files:
        errors += check_markdown(path)
    for path in citation_files:
        errors += check_citations(path)
    return errors


def self_test():
    """A small tree with one good link and three broken ones: the check must name exactly
    the broken ones (so a check that finds nothing cannot pass for one that works)."""
    with tempfile.TemporaryDirectory() as directory:
        os.mkdir(os.path.join(directory, "docs"))
        files = {
            "README.md": "# Top\n## Port security (on by default)\n"
                         "[ok](#port-security-on-by-default) [ok](docs/a.md#a-b)\n"
                         "[gone](#port-security) [gone](docs/missing.md)\n"
                         "```\n[in a code block](#not-checked)\n```\n",
            "docs/a.md": "# A `b`\n[back](../README.md#top) [bad](../README.md#nope)\n",
            "code.swift": "/// README.md#port-security-on-by-default and README.md#no-such\n",
        }
        for name, text in files.items():
            with open(os.path.join(directory, name), "w", encoding="utf-8") as handle:
                handle.write(text)
        global ROOT
        saved, ROOT = ROOT, directory
        try:
            errors = check([os.path.join(directory, "README.md"), os.path.join(directory, "docs/a.md")],
                           [os.path.join(directory, "code.swift")])
        finally:
            ROOT = saved
    expected = ["README.md:4: broken link #port-security", "README.md:4: broken link docs/missing.md",
                "docs/a.md:2: broken link ../README.md#nope", "code.swift:1: broken citation README.md#no-such"]
    found = [error.split(": no ")[0] for error in errors]
    if found != expected:
        print("check_links self-test FAILED: expected", expected, "found", errors, file=sys.stderr)
        return 1
    print(f"check_links self-test: the {len(expected)} broken links were found, the good ones passed")
    return 0


def main(arguments):
    if arguments == ["--self-test"]:
        return self_test()
    if any(argument.startswith("-") for argument in arguments):
        print(__doc__, file=sys.stderr)
        return 2
    docs = os.path.join(ROOT, "docs")
    markdown = [os.path.abspath(a) for a in arguments] or [os.path.join(ROOT, "README.md")] + sorted(
        os.path.join(docs, name) for name in os.listdir(docs) if name.endswith(".md"))
    errors = check(markdown, [] if arguments else list(code_files()))
    for error in errors:
        print(error, file=sys.stderr)
    scope = f"{len(markdown)} markdown file(s)" + ("" if arguments else " and the code's citations")
    print(f"check_links: {len(errors)} broken link(s) in {scope}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
