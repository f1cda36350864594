"""Every example in the documentation runs: docs/pages/*.md and README.md.

The convention, page by page (one test per page):

- A fenced block whose info string is ``console`` is a terminal session. Each line
  starting with ``$ `` is a shell command; a command ending in ``\\`` goes on at the
  next line, and a here-document (``cat > mynet.yaml <<'EOF'`` … ``EOF``) takes its
  lines with it. Every other line is the command's expected output, which is not
  compared — except an expected error: when the first line shown under a command
  starts with ``simoffice: `` or ``simoffice-calibrate: `` and contains ``error``,
  the command must exit with status 2 and print that line (``…`` in it matches
  anything).
- A fenced block whose info string is ``python`` runs in the test's process. All
  python blocks of one page share one namespace, in order, like a notebook.
- The page's blocks run in order in one fresh temporary directory (so ``results/``
  lands there), the directory of this Python's executable (the project's
  ``.venv/bin``) first on ``PATH``, the repository's root in ``SIMOFFICE_REPO``.
  Each command runs in ``bash`` with ``set -eo pipefail`` and a time limit of
  ``COMMAND_TIMEOUT_S``; a directory change or an ``export`` carries over to the
  next command. The network is out of reach (proxies point at a closed port).
- A block that must not run (a SLURM cluster, a Ray head node, a browser, more
  than about 20 s) has ``<!-- not run: <reason> -->`` on the line directly above
  its fence. Blocks in any other language (``yaml``, ``text``, none …) never run.

A failure names the page and the line of the block (or command) and shows what the
command printed, or the Python traceback with the page's own line numbers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "docs" / "pages").glob("*.md")) + [REPO / "README.md"]
BIN = Path(sys.executable).parent
COMMAND_TIMEOUT_S = 120
RUNNABLE = ("console", "python")

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")  # (in a list: indented)
NOT_RUN = re.compile(r"^\s*<!--\s*not run\b:?(?P<reason>.*?)-->\s*$")
HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<word>[A-Za-z_][A-Za-z0-9_]*)\1")
ERROR_LINE = re.compile(r"^simoffice(-calibrate)?: .*error")
SHELL_STATE = "SIMOFFICE_DOC_STATE"  # where a command leaves its directory and environment


class DocExampleFailed(AssertionError):
    """An example of a page did not run as the page shows it."""


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its language, the line of its opening fence (from 1),
    its lines, and the reason it is not run (None: it runs; "": a marker without one)."""

    page: Path
    line: int
    lang: str
    lines: tuple[str, ...]
    not_run: str | None

    @property
    def runs(self) -> bool:
        return self.lang in RUNNABLE and self.not_run is None


@dataclass
class Command:
    """One ``$ `` command of a console block, at page line ``line``, and the lines shown under it."""

    line: int
    text: str
    output: list[str] = field(default_factory=list)

    @property
    def expected_error(self) -> str | None:
        shown = next((line.strip() for line in self.output if line.strip()), "")
        return shown if ERROR_LINE.match(shown) else None


def where(page: Path) -> str:
    return str(page.relative_to(REPO)) if page.is_relative_to(REPO) else str(page)


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, in order."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        info = opening["info"].split()
        start = i
        body = []
        i += 1
        while i < len(lines):
            closing = FENCE.match(lines[i])
            if closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence) \
                    and not closing["info"]:
                break
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        marker = NOT_RUN.match(lines[start - 1]) if start > 0 else None
        found.append(Block(page, start + 1, info[0].lower() if info else "", tuple(body),
                           marker["reason"].strip() if marker else None))
        i += 1
    return found


def dangling_markers(page: Path) -> list[int]:
    """Lines of ``<!-- not run -->`` markers that are not directly above a fence."""
    lines = page.read_text(encoding="utf-8").splitlines()
    return [n + 1 for n, line in enumerate(lines)
            if NOT_RUN.match(line) and not (n + 1 < len(lines) and FENCE.match(lines[n + 1]))]


def commands(block: Block) -> list[Command]:
    """The commands of a console block, each with its continuation lines, here-documents
    and the output shown under it."""
    found: list[Command] = []
    lines = list(block.lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            if found:
                found[-1].output.append(line)
            i += 1
            continue
        command = Command(block.line + 1 + i, line[2:])
        while command.text.endswith("\\") and i + 1 < len(lines):
            i += 1
            command.text += "\n" + lines[i].removeprefix("> ")
        for here in HEREDOC.finditer(command.text):
            while i + 1 < len(lines):
                i += 1
                command.text += "\n" + lines[i]
                if lines[i].strip() == here["word"]:
                    break
        found.append(command)
        i += 1
    return found


def shell_env(workdir: Path) -> dict[str, str]:
    """The environment the commands start from: this venv first, the repository, no network."""
    closed = "http://127.0.0.1:9"
    return {**os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(BIN.parent),
            "SIMOFFICE_REPO": str(REPO),
            "HOME": os.environ.get("HOME", str(workdir)),
            "http_proxy": closed, "https_proxy": closed, "HTTP_PROXY": closed, "HTTPS_PROXY": closed,
            "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost",
            "PIP_NO_INDEX": "1"}


def run_command(command: Command, cwd: Path, env: dict[str, str], state: Path,
                timeout_s: float = COMMAND_TIMEOUT_S) -> tuple[int, str, Path, dict[str, str]]:
    """Run one command in bash; return its status, what it printed (stdout and stderr
    together), and the directory and environment it leaves for the next command."""
    script = (f"set -eo pipefail\n{command.text}\n"
              f'pwd -P > "${SHELL_STATE}.cwd"; env -0 > "${SHELL_STATE}.env"\n')
    process = subprocess.Popen(["bash", "-c", script], cwd=cwd, env={**env, SHELL_STATE: str(state)},
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", start_new_session=True)
    try:
        printed, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        printed, _ = process.communicate()
        raise DocExampleFailed(f"`{command.text}` did not finish within {timeout_s:g} s; it printed:\n"
                               f"{tail(printed)}") from None
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)  # nothing it started outlives it
        except ProcessLookupError:
            pass
    if process.returncode == 0 and Path(f"{state}.env").is_file():  # (not after an `exit 0`)
        cwd = Path(Path(f"{state}.cwd").read_text(encoding="utf-8").strip())
        pairs = Path(f"{state}.env").read_text(encoding="utf-8").split("\0")
        env = dict(pair.split("=", 1) for pair in pairs if "=" in pair)
        for name in ("PWD", "OLDPWD", "SHLVL", "_", SHELL_STATE):
            env.pop(name, None)
    for suffix in (".cwd", ".env"):
        Path(f"{state}{suffix}").unlink(missing_ok=True)
    return process.returncode, printed, cwd, env


def tail(text: str, limit: int = 6000) -> str:
    return text if len(text) <= limit else "…" + text[-limit:]


def shown_line(shown: str) -> re.Pattern:
    """A line shown on a page as a pattern: ``…`` matches anything."""
    return re.compile(".*".join(re.escape(part) for part in shown.split("…")))


def check_command(command: Command, printed: str, status: int, page: Path) -> None:
    place = f"{where(page)}:{command.line}"
    error = command.expected_error
    if error is None:
        if status != 0:
            raise DocExampleFailed(f"{place}: `{command.text}` exited with status {status}; it printed:\n"
                                   f"{tail(printed)}")
        return
    if status != 2:
        raise DocExampleFailed(f"{place}: `{command.text}` should fail with status 2 and print\n  {error}\n"
                               f"but exited with status {status}; it printed:\n{tail(printed)}")
    pattern = shown_line(error)
    if not any(pattern.fullmatch(line.strip()) for line in printed.splitlines()):
        raise DocExampleFailed(f"{place}: `{command.text}` should print the line shown on the page\n  {error}\n"
                               f"but printed:\n{tail(printed)}")


def run_python(block: Block, namespace: dict) -> None:
    """Run a python block in the page's namespace; a traceback shows the page's line numbers."""
    code = compile("\n" * block.line + "\n".join(block.lines) + "\n", str(block.page), "exec")
    try:
        exec(code, namespace)  # noqa: S102 - the page's own example
    except Exception:
        raise DocExampleFailed(f"{where(block.page)}:{block.line}: the python block raised:\n"
                               f"{traceback.format_exc()}") from None


def run_page(page: Path, workdir: Path, timeout_s: float = COMMAND_TIMEOUT_S) -> int:
    """Run every runnable block of ``page`` in order in ``workdir``; return how many ran.
    Raises DocExampleFailed at the first example that does not run as shown."""
    env, cwd = shell_env(workdir), workdir
    namespace: dict = {"__name__": "__doc_example__"}
    state = workdir.parent / f".{workdir.name}-shell-state"
    ran = 0
    for block in blocks(page):
        if not block.runs:
            continue
        ran += 1
        if block.lang == "python":
            saved_dir, saved_env = os.getcwd(), dict(os.environ)
            os.chdir(workdir)
            os.environ.update({"SIMOFFICE_REPO": str(REPO)})
            try:
                run_python(block, namespace)
            finally:
                os.chdir(saved_dir)
                os.environ.clear()
                os.environ.update(saved_env)
            continue
        found = commands(block)
        if not found:
            raise DocExampleFailed(f"{where(page)}:{block.line}: a console block without a `$ ` command")
        for command in found:
            status, printed, cwd, env = run_command(command, cwd, env, state, timeout_s)
            check_command(command, printed, status, page)
    return ran


@pytest.mark.parametrize("page", PAGES, ids=where)
def test_every_example_of_the_page_runs_as_shown(page, tmp_path):
    """The page's console and python blocks run, in order, in one fresh directory."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    try:
        run_page(page, workdir)
    except DocExampleFailed as failed:
        pytest.fail(str(failed), pytrace=False)


def test_every_block_left_out_says_why(capsys):
    """Each `<!-- not run: reason -->` gives a reason and sits directly above a fence."""
    skipped = [block for page in PAGES for block in blocks(page) if block.not_run is not None]
    with capsys.disabled():
        print("\nBlocks not run:")
        for block in skipped:
            print(f"  {where(block.page)}:{block.line} ({block.lang or 'no language'}): {block.not_run or '(no reason)'}")
    assert [f"{where(b.page)}:{b.line}" for b in skipped if not b.not_run] == []
    assert {where(page): lines for page in PAGES if (lines := dangling_markers(page))} == {}


# The checker itself, on small pages of its own (bash only: no simulation).

def page_of(tmp_path: Path, text: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    (tmp_path / "work").mkdir()
    return page


def test_a_failing_command_fails_the_page_naming_its_line_and_output(tmp_path):
    page = page_of(tmp_path, "# A page\n\n```console\n$ echo fine\nfine\n$ echo broken; false\n```\n")
    with pytest.raises(DocExampleFailed, match=r"page\.md:6: `echo broken; false` exited with status 1(.|\n)*broken"):
        run_page(page, tmp_path / "work")


def test_a_failing_python_block_fails_the_page_with_the_page_line(tmp_path):
    page = page_of(tmp_path, "```python\nx = 1\n```\n\ntext\n\n```python\ny = x + 1\nassert y == 3\n```\n")
    with pytest.raises(DocExampleFailed, match=r"page\.md:7: the python block raised(.|\n)*line 9"):
        run_page(page, tmp_path / "work")


def test_a_block_marked_not_run_is_left_out_and_other_languages_never_run(tmp_path):
    page = page_of(tmp_path, "<!-- not run: needs a SLURM cluster -->\n```console\n$ false\n```\n\n"
                             "```text\n$ false\n```\n\n```yaml\na: 1\n```\n\n```console\n$ true\n```\n")
    assert run_page(page, tmp_path / "work") == 1
    assert [b.not_run for b in blocks(page)] == ["needs a SLURM cluster", None, None, None]


def test_a_command_over_its_time_limit_fails_the_page(tmp_path):
    page = page_of(tmp_path, "```console\n$ sleep 30\n```\n")
    with pytest.raises(DocExampleFailed, match="did not finish within 0.5 s"):
        run_page(page, tmp_path / "work", timeout_s=0.5)


ERROR = "simoffice: config error: run.weeks: expected an integer >= 1 (got 0)"


@pytest.mark.parametrize(("printed", "status", "passes"), [
    (ERROR, 2, True),
    (ERROR, 0, False),  # an error shown must be an error
    (ERROR, 1, False),  # ... with the status of a config error
    (ERROR.replace("(got 0)", "(got -1)"), 2, False),  # ... and the message shown
], ids=["shown", "status 0", "status 1", "another message"])
def test_an_error_shown_on_a_page_must_be_the_error_printed(tmp_path, printed, status, passes):
    page = page_of(tmp_path, f"```console\n$ echo '{printed}' >&2; exit {status}\n"
                             "simoffice: config error: run.weeks: expected an integer >= … (got 0)\n```\n")
    if passes:
        assert run_page(page, tmp_path / "work") == 1
    else:
        with pytest.raises(DocExampleFailed, match=r"page\.md:2"):
            run_page(page, tmp_path / "work")


def test_commands_share_the_page_directory_here_documents_and_continuations(tmp_path):
    page = page_of(tmp_path, "```console\n$ mkdir -p my_configs && cd my_configs\n"
                             "$ cat > net.yaml <<'EOF'\nservers: 3\nEOF\n$ export WHO=me\n```\n\n"
                             "```console\n$ test \"$WHO\" = me && grep -q 'servers: 3' net.yaml \\\n"
                             "> && test \"$SIMOFFICE_REPO\" = '" + str(REPO) + "'\n"
                             "$ test \"$(command -v python)\" = '" + str(BIN / "python") + "'\n```\n\n"
                             "```python\nfrom pathlib import Path\nassert Path('my_configs/net.yaml').is_file()\n```\n")
    assert run_page(page, tmp_path / "work") == 3
    assert (tmp_path / "work" / "my_configs" / "net.yaml").read_text() == "servers: 3\n"


def test_a_block_inside_a_list_item_runs_too(tmp_path):
    page = page_of(tmp_path, "1. First:\n\n   ```console\n   $ echo indented > out.txt\n   ```\n")
    assert run_page(page, tmp_path / "work") == 1
    assert (tmp_path / "work" / "out.txt").read_text() == "indented\n"
