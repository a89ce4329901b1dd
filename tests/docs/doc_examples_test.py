#!/usr/bin/env python3
"""doc_examples_test.py: the examples in README.md and docs/*.md, run.

    usage: doc_examples_test.py FOSTER_BINARY BUILD_DIR [--sanitize=LIST] [NAME_REGEX]

A fenced block whose info string has the word `runnable` is an example a
reader can paste, and this test runs it, so that the docs cannot drift from
the tool:

    ```sh runnable        a shell script, run with bash -e -o pipefail; passes
                          when it exits 0
    ```console runnable   a transcript: each `$ COMMAND` line is run (all of
                          them in one bash, in order), and what it prints
                          (stdout and stderr) must match the lines under it,
                          where `…` stands for any text within a line and a
                          line of only `…` for any number of lines
    ```ini runnable       a manifest: written as foster.ini, `foster check`
                          must accept it
    ```python runnable excerpt=PATH
                          code shown out of a file the tests run (settings,
                          conftest.py): each line of the block, but blank lines
                          and comment lines, is a line of PATH (both stripped,
                          trailing `# comments` left out)

Add `pending: REASON` to the info string for an example that documents
behaviour not built yet: it is reported as skipped, with the reason
(FOSTER_DOCS_RUN_PENDING=1 runs it all the same, to see whether it can go).

Each block runs alone in a fresh copy of the repository (its top is the
working directory, as in the README), with `foster` (the build's), `python3`
and `python` (Debian's /usr/bin/python3) first on PATH, foster_django
importable (contrib/django on PYTHONPATH), libfoster usable as installed
(`meson install` into a scratch root once; PKG_CONFIG_PATH,
PKG_CONFIG_SYSROOT_DIR and LD_LIBRARY_PATH point into it; with
--sanitize=LIST, meson's b_sanitize, `cc` on PATH adds -fsanitize=LIST, as
the library was built), and a private
FOSTER_RUNTIME_DIR that must be empty again when the block ends: an example
may not leave a database behind.

Also checked, once per file: every relative link points at a file of the
repository, and no file of the repository sends a reader outside it to the
team's brief.

Output: TAP, then the line "N passed, M failed"; exit status 0 only when M is 0.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 600
# Pages the docs link to that other work in progress writes: while one is
# missing, links to it are reported as a TODO, not a failure; once it exists,
# its entry here must go (reported as a failure), so the list stays honest.
PENDING_PAGES = {}
PYTHON = "/usr/bin/python3"
FENCE = re.compile(r"^```(\S*)(.*)$")


def find_blocks(path, relative):
    """[(name, language, info, text)] of the runnable blocks of a Markdown file."""
    blocks = []
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i].rstrip("\n"))
        if not match:
            i += 1
            continue
        start = i + 1
        language, info = match.group(1), match.group(2).strip()
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise SystemExit("%s:%d: unterminated ``` block" % (relative, start))
        i += 1
        if language and "runnable" in info.split():
            blocks.append(("%s:%d (%s)" % (relative, start, language), language, info, "".join(body)))
        elif "runnable" in info:
            raise SystemExit("%s:%d: write `runnable` as a word of the info string" % (relative, start))
    return blocks


def copy_repository(root, destination):
    """The repository's files (tracked ones when it is a git checkout) into destination."""
    listed = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    if listed.returncode == 0 and listed.stdout:
        for name in listed.stdout.decode().split("\0"):
            if not name or not os.path.lexists(os.path.join(root, name)):
                continue
            target = os.path.join(destination, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(root, name), target, follow_symlinks=False)
    else:
        shutil.copytree(root, destination, symlinks=True, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("build*", ".git", "__pycache__"))


def install_library(build, root):
    """`meson install` into root; returns (pkg-config folder, library folder)."""
    subprocess.run(["meson", "install", "-C", build, "--destdir", root, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    for folder, _, names in os.walk(root):
        if "foster.pc" in names:
            pc_dir = folder
            return pc_dir, os.path.dirname(pc_dir)
    raise SystemExit("meson install put no foster.pc under %s" % root)


def environment(work, repo, runtime, foster, installed, sanitize):
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    if sanitize:
        # C examples linked against a library built with sanitizers need them too.
        with open(os.path.join(bin_dir, "cc"), "w") as f:
            f.write('#!/bin/sh\nexec /usr/bin/cc -fsanitize=%s "$@"\n' % sanitize)
        os.chmod(os.path.join(bin_dir, "cc"), 0o755)
    os.symlink(foster, os.path.join(bin_dir, "foster"))
    os.symlink(PYTHON, os.path.join(bin_dir, "python3"))
    os.symlink(PYTHON, os.path.join(bin_dir, "python"))
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("FOSTER_") or k.startswith("PG") or k.startswith("DJANGO")
                   or k in ("DATABASE_URL", "PYTHONPATH", "XDG_RUNTIME_DIR", "MAKEFLAGS",
                            "MAKELEVEL", "FOSTER"))}
    home = os.path.join(work, "home")
    os.makedirs(home)
    env.update(
        PATH=bin_dir + os.pathsep + "/usr/bin:/bin:/usr/sbin:/sbin",
        HOME=home,
        TMPDIR=os.path.join(work, "tmp"),
        FOSTER_RUNTIME_DIR=runtime,
        PYTHONPATH=os.path.join(repo, "contrib", "django"),
        PYTHONDONTWRITEBYTECODE="1",
        PKG_CONFIG_PATH=installed[1],
        PKG_CONFIG_SYSROOT_DIR=installed[0],
        LD_LIBRARY_PATH=installed[2],
        LC_ALL="C.UTF-8",
    )
    os.makedirs(env["TMPDIR"])
    return env


def transcript_script(text):
    """The bash script for a console block, and [(command, expected lines)]."""
    steps = []
    for line in text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        elif line.strip():
            raise ValueError("output before the first `$ ` line: %s" % line)
    script = ["exec 2>&1"]
    for number, (command, _) in enumerate(steps):
        script.append("printf '\\n@@doc-example step %d@@\\n'" % number)
        script.append(command)
    script.append("printf '\\n@@doc-example end@@\\n'")
    return "\n".join(script) + "\n", steps


def pattern_of(expected):
    parts = []
    for line in expected:
        if line == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(piece) for piece in line.split("…")) + r"\n")
    return "".join(parts)


def check_transcript(output, steps):
    """None when the output matches the transcript, else what differs."""
    pieces = re.split(r"\n?@@doc-example (?:step \d+|end)@@\n", output)
    if len(pieces) != len(steps) + 2:
        return "the transcript did not run to its end; output:\n" + output
    for (command, expected), got in zip(steps, pieces[1:-1]):
        got = got.rstrip("\n") + "\n" if got.strip() else ""
        while expected and not expected[-1].strip():
            expected = expected[:-1]
        if not re.fullmatch(pattern_of(expected), got):
            return "$ %s\n--- expected:\n%s\n--- got:\n%s" % (command, "\n".join(expected), got)
    return None


def code_lines(text):
    """The stripped lines of code, without blank lines, comment lines or trailing comments."""
    lines = []
    for line in text.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def check_excerpt(text, path):
    try:
        with open(path, encoding="utf-8") as f:
            known = set(code_lines(f.read()))
    except OSError as error:
        return False, "excerpt of %s: %s" % (path, error)
    missing = [line for line in code_lines(text) if line not in known]
    if missing:
        return False, "not in %s:\n%s" % (path, "\n".join(missing))
    return True, ""


def run_block(language, text, repo, env, info=""):
    """(passed, details)."""
    if language in ("sh", "bash"):
        completed = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=repo, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        output = completed.stdout.decode(errors="replace")
        if completed.returncode != 0:
            return False, "exit status %d; output:\n%s" % (completed.returncode, output)
        return True, output
    if language == "console":
        script, steps = transcript_script(text)
        completed = subprocess.run(["bash", "-c", script], cwd=repo, env=env,
                                   stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   timeout=TIMEOUT)
        difference = check_transcript(completed.stdout.decode(errors="replace"), steps)
        return difference is None, difference or ""
    excerpt = re.search(r"excerpt=(\S+)", info)
    if excerpt:
        return check_excerpt(text, os.path.join(repo, excerpt.group(1)))
    if language == "ini":
        with open(os.path.join(repo, "foster.ini"), "w") as f:
            f.write(text)
        completed = subprocess.run(["foster", "check"], cwd=repo, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        output = completed.stdout.decode(errors="replace")
        return completed.returncode == 0, "foster check: exit status %d\n%s" % (
            completed.returncode, output)
    return False, "no way to run a `%s` block (sh, console or ini)" % language


def tear_down_leftovers(runtime, repo, env):
    """Whatever a failed example left up: taken down, reported."""
    left = sorted(os.listdir(runtime)) if os.path.isdir(runtime) else []
    if left:
        for _ in range(8):
            if subprocess.run(["foster", "-q", "down"], cwd=repo, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode != 0:
                break
    return left


def link_problems(path, relative, root):
    problems = []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    for match in re.finditer(r"\]\(([^)\s]+)\)", text):
        target = match.group(1).split("#")[0]
        if not target or re.match(r"[a-z]+:", target):
            continue
        resolved = os.path.normpath(os.path.join(os.path.dirname(path), target))
        if resolved.startswith(root + os.sep) and os.path.exists(resolved):
            continue
        pending = PENDING_PAGES.get(os.path.relpath(resolved, root))
        if pending:
            print("# TODO %s: link to %s, not written yet: %s" % (relative, target, pending))
        else:
            problems.append("%s: link to %s: no such file in the repository" % (relative, target))
    return problems


def pending_pages_written(root):
    return ["%s exists now: remove it from PENDING_PAGES in %s" % (page, os.path.basename(__file__))
            for page in PENDING_PAGES if os.path.exists(os.path.join(root, page))]


def outside_references(root):
    """Files of the repository that send a reader to the team's brief outside it."""
    brief = "DESIGN" + ".md"
    shared = "../" + "shared"
    folder = "shared " + "folder"
    listed = subprocess.run(["git", "-C", root, "grep", "-l", "-I", "-i", "-F", "-e", brief, "-e", shared,
                             "-e", folder], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return [name for name in listed.stdout.decode().splitlines() if name]


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: doc_examples_test.py FOSTER_BINARY BUILD_DIR [--sanitize=LIST] [NAME_REGEX]\n")
        return 2
    foster, build = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    rest = argv[3:]
    sanitize = ""
    if rest and rest[0].startswith("--sanitize="):
        sanitize = rest.pop(0)[len("--sanitize="):]
        sanitize = "" if sanitize == "none" else sanitize
    name_filter = re.compile(rest[0]) if rest else None
    root = os.path.abspath(os.environ.get("FOSTER_SOURCE_ROOT") or
                           os.path.join(os.path.dirname(__file__), "..", ".."))
    files = ["README.md"] + sorted("docs/" + name for name in os.listdir(os.path.join(root, "docs"))
                                   if name.endswith(".md"))
    blocks, checks = [], []
    for relative in files:
        path = os.path.join(root, relative)
        blocks.extend(find_blocks(path, relative))
        checks.append(("links in " + relative, link_problems(path, relative, root)))
    checks.append(("pages linked before they were written are listed honestly",
                   pending_pages_written(root)))
    referring = outside_references(root)
    checks.append(("no file refers to the brief outside the repository",
                   ["%s refers to it" % name for name in referring]))
    if name_filter:
        blocks = [b for b in blocks if name_filter.search(b[0])]
        checks = [c for c in checks if name_filter.search(c[0])]

    scratch = tempfile.mkdtemp(prefix="foster-docs-install.")
    try:
        root_dir = os.path.join(scratch, "root")
        installed = (root_dir,) + install_library(build, root_dir)
        return run_all(blocks, checks, root, foster, installed, sanitize)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_all(blocks, checks, root, foster, installed, sanitize):
    print("1..%d" % (len(blocks) + len(checks)))
    passed = failed = skipped = 0
    number = 0
    for name, problems in checks:
        number += 1
        if problems:
            failed += 1
            print("not ok %d - %s" % (number, name))
            for problem in problems:
                print("#   " + problem)
        else:
            passed += 1
            print("ok %d - %s" % (number, name))
    for name, language, info, text in blocks:
        number += 1
        pending = re.search(r"pending:\s*(.*)", info)
        if pending and not os.environ.get("FOSTER_DOCS_RUN_PENDING"):
            skipped += 1
            print("ok %d - %s # SKIP pending: %s" % (number, name, pending.group(1)))
            continue
        work = tempfile.mkdtemp(prefix="foster-docs-test.")
        try:
            repo = os.path.join(work, "repo")
            os.makedirs(repo)
            copy_repository(root, repo)
            runtime = os.path.join(work, "runtime")
            os.makedirs(runtime, mode=0o700)
            env = environment(work, repo, runtime, foster, installed, sanitize)
            try:
                ok, details = run_block(language, text, repo, env, info)
            except (subprocess.TimeoutExpired, ValueError) as error:
                ok, details = False, str(error)
            left = tear_down_leftovers(runtime, repo, env)
            if left:
                ok = False
                details += "\nleft behind in the runtime directory: %s" % " ".join(left)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if ok:
            passed += 1
            print("ok %d - %s" % (number, name))
        else:
            failed += 1
            print("not ok %d - %s" % (number, name))
            for line in details.splitlines():
                print("#   " + line)
        sys.stdout.flush()
    if skipped:
        print("# %d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
