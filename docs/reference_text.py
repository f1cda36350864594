"""Text taken from the code for the generated reference: docstrings, comments, Markdown.

The reference pages (:mod:`reference`) say what the code says. A dataclass field's
meaning is the comment on its line (or the comment lines right above it) and the
clauses of its class's docstring that name it in double backticks; a docstring
becomes Markdown (``x`` code, Sphinx roles, Google-style sections, ``::`` blocks).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import io
import re
import textwrap
import tokenize

# A Sphinx role: :func:`~simoffice.x.y` -> `y`, :mod:`simoffice.x` -> `simoffice.x`.
_ROLE = re.compile(r":(?:mod|func|class|meth|data|attr|exc|obj):`(~?)([^`]+)`")
_SECTIONS = ("Args:", "Arguments:", "Attributes:", "Raises:", "Returns:", "Yields:", "Example:", "Examples:")


def markdown_inline(text: str) -> str:
    """reST inline markup as Markdown: roles and ``literals`` as `code`."""
    text = _ROLE.sub(lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", text)
    return text.replace("``", "`")


def cell(text: str) -> str:
    """``text`` fit for one cell of a Markdown table: one line, pipes escaped."""
    return " ".join(markdown_inline(text).split()).replace("|", "\\|")


def _split(text: str, marks: tuple[str, ...]) -> list[str]:
    """``text`` cut after each of ``marks`` (followed by a space or the end) that lies
    outside parentheses and ``literals`` (a full stop not after "e.g." or "i.e.")."""
    out, depth, start, i, literal = [], 0, 0, 0, False
    while i < len(text):
        if text.startswith("``", i):
            literal = not literal
            i += 2
            continue
        ch = text[i]
        if not literal:
            depth += ch in "([{"
            depth -= ch in ")]}" and depth > 0
            if (ch in marks and depth == 0 and text[i + 1:i + 2] in (" ", "")
                    and not text[max(0, i - 4):i + 1].endswith(("e.g.", "i.e.", "cf."))):
                out.append(text[start:i + 1].strip())
                start = i + 1
        i += 1
    out.append(text[start:].strip())
    return [s for s in out if s]


def _sentences(paragraph: str) -> list[str]:
    """The clauses of a paragraph: cut at '. ' and '; ' outside parentheses and literals."""
    return _split(paragraph, (".", ";"))


def _phrase(clause: str, token: str, fields: set[str]) -> str:
    """The part of ``clause`` about ``token``: the whole clause, unless it names three or
    more fields, then its comma-separated part that names ``token`` (if that says more
    than the name), cut further at an "and" or "or" between two fields."""
    named = {f for f in fields if f"``{f}``" in clause}
    if len(named) < 3:
        return clause
    for part in _split(clause, (",",)):
        if token in part and _says_more(part, token):
            pieces = re.split(r" (?:and|or) (?=``)", part)
            if all(_says_more(p, re.search(r"``\w+``", p).group(0)) and p.count("(") == p.count(")")
                   for p in pieces if "``" in p):
                part = next(p for p in pieces if token in p)
            part = re.sub(r"(?:,|;|\.| and| or)+$", "", part.strip())
            return re.sub(r"^(?:and|or|with) ", "", part)
    return clause


def _says_more(part: str, token: str) -> bool:
    return len(part.replace(token, "").split()) >= 3


def paragraphs(doc: str) -> list[str]:
    """A docstring's paragraphs, each on one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", inspect.cleandoc(doc or "")) if p.strip()]


def first_sentence(doc: str | None) -> str:
    """The first clause of a docstring (its summary)."""
    paras = paragraphs(doc or "")
    return re.sub(r"[;,:]$", ".", _sentences(paras[0])[0]) if paras else ""


def _comments(cls: type) -> dict[str, str]:
    """Field -> the comment on its line, or the comment lines right above it, in ``cls``'s own source."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    comments = {}  # line number -> comment text
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    out = {}
    for node in ast.parse(source).body[0].body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
            continue
        found, n = [comments[n] for n in range(node.lineno, node.end_lineno + 1) if n in comments], node.lineno - 1
        while n in comments and lines[n - 1].lstrip().startswith("#"):
            found.insert(0, comments[n])
            n -= 1
        text = " ".join(c for c in found if not c.startswith(("noqa", "type:")))
        if text:
            out[node.target.id] = text
    return out


def _defining_class(cls: type, name: str) -> type:
    """The class of ``cls``'s MRO whose own body declares field ``name``."""
    for klass in cls.__mro__:
        if name in klass.__dict__.get("__annotations__", {}):
            return klass
    return cls


def field_meanings(cls: type) -> dict[str, str]:
    """Field -> its meaning (Markdown, one line; '' when the code says nothing): the
    comment on or right above its line; without one, the clauses of the docstring of
    the class that declares it which name it as ``field`` (of a clause naming many
    fields, the part about this one)."""
    out = {}
    for f in dataclasses.fields(cls):
        owner = _defining_class(cls, f.name)
        comment = _comments(owner).get(f.name)
        if comment:
            out[f.name] = cell(_capital(comment) + ("" if comment.endswith(".") else "."))
            continue
        token, fields = f"``{f.name}``", {g.name for g in dataclasses.fields(owner)}
        parts = [_capital(_phrase(clause, token, fields)) for para in paragraphs(owner.__doc__ or "")
                 for clause in _sentences(para) if token in clause]
        clauses = [p.rstrip(";") for p in dict.fromkeys(parts)]
        out[f.name] = cell(" ".join(c + ("" if c.endswith(".") else ".") for c in clauses)
                           .replace(token, f"**{token}**"))
    return out


def _capital(text: str) -> str:
    """``text`` with a capital first letter, unless it begins with a name (``report.html``,
    ``service_level``) or a letter that is not English (β)."""
    first = text.split(" ", 1)[0]
    if not text[:1].isascii() or "." in first.rstrip(".:,;") or "_" in first:
        return text
    return text[:1].upper() + text[1:]


def docstring_markdown(doc: str | None) -> str:
    """A Google-style docstring as Markdown: sections as bold lead-ins with lists,
    ``::`` literal blocks as fenced text."""
    lines = inspect.cleandoc(doc or "").splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() in _SECTIONS and not line.startswith(" "):
            out += ["", f"**{line.strip()[:-1]}**", ""]
            i += 1
            items: list[str] = []
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                body = lines[i].strip()
                if body:
                    indent = len(lines[i]) - len(lines[i].lstrip())
                    if indent <= 4 and (":" in body or not items):
                        items.append(body)
                    else:
                        items[-1] += " " + body
                i += 1
            for item in items:
                name, sep, text = item.partition(":")
                out.append(f"- `{name.strip()}`: {markdown_inline(text.strip())}" if sep and " " not in name.strip()
                           else f"- {markdown_inline(item)}")
            out.append("")
            continue
        if line.rstrip().endswith("::"):
            out.append(markdown_inline(line.rstrip()[:-1].rstrip() + (":" if line.rstrip()[:-2].strip() else "")))
            i += 1
            block: list[str] = []
            while i < len(lines) and (lines[i].startswith(" ") or not lines[i].strip()):
                block.append(lines[i])
                i += 1
            out += ["", "```text", textwrap.dedent("\n".join(block)).strip("\n"), "```", ""]
            continue
        out.append(markdown_inline(line))
        i += 1
    return "\n".join(out).strip() + "\n"
