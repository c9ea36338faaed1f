"""Shell-syntax host files (/etc/conf.d/net, /etc/default/grub, /etc/rc.conf,
/etc/conf.d/xendomains): their values, read without running anything.

The files are parsed with tree-sitter's bash grammar (tree-sitter-bash, a
real bash grammar: it tells a top-level ``variable_assignment`` from a
``command`` whose first words are assignments, ``FOO=bar touch x``).  Then
the statements are evaluated here, in Python, the way bash would assign
them; nothing is handed to a shell, so no statement of the file can run.

What is evaluated: assignments (``name=value``, ``name+=value``,
``name=(array)``; ``export`` in front), quoting (single, double, ``$'…'``),
backslash escapes and continuation lines, and ``$name`` / ``${name}`` /
``${name:-word}`` / ``${name-word}`` / ``${name:+word}`` / ``${name+word}``
of variables set earlier in the file (unset ones are empty, as for bash
with an empty environment).  Everything else is *refused*: recorded with
its line, never evaluated:

* a command, a pipeline or list, a redirection, a function, ``source``,
  ``eval``, ``declare``, a compound command (if, for, a subshell…), an
  assignment in front of a command, arithmetic: any of these could set
  any variable, so from there on every variable is *unknown* until the
  file assigns it again;
* an assignment whose value needs something xenmig does not evaluate
  (command or process substitution, another expansion, a glob in an
  array): that variable is unknown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from xenmig.errors import shown

# The value of a variable xenmig could not determine.
UNKNOWN: Final = None

Value = str | tuple[str, ...]


class _Unknown(Exception):
    """A value that cannot be evaluated (the reason is the message)."""


@dataclass(frozen=True)
class Refusal:
    """A statement xenmig did not evaluate."""

    line: int
    text: str
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {shown(self.text)} ({self.why})"


@dataclass
class ShellValues:
    """The variables of a shell file after reading it.

    ``get`` gives a variable's value as bash's ``$name`` would (an array's
    first element), ``""`` for an unset one, ``None`` (UNKNOWN) when a
    refused statement may have changed it.
    """

    values: dict[str, Value] = field(default_factory=dict)
    # Variables whose value is unknown, and whether every variable not
    # assigned since the last refused command is (``wild``).
    unknown: set[str] = field(default_factory=set)
    wild: bool = False
    refusals: list[Refusal] = field(default_factory=list)
    # The line of the statement that last set each variable.
    lines: dict[str, int] = field(default_factory=dict)

    def known(self, name: str) -> bool:
        return name not in self.unknown and (not self.wild or name in self.values)

    def get(self, name: str) -> str | None:
        if not self.known(name):
            return UNKNOWN
        value = self.values.get(name, "")
        return value if isinstance(value, str) else (value[0] if value else "")

    def array(self, name: str) -> tuple[str, ...] | None:
        """``"${name[@]}"``: the elements (a scalar is one element)."""
        if not self.known(name):
            return UNKNOWN
        value = self.values.get(name)
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else value

    def assigned(self) -> dict[str, Value]:
        """The variables with a known value."""
        return {k: v for k, v in self.values.items() if self.known(k)}

    # -- evaluation state ---------------------------------------------
    def _set(self, name: str, value: Value, line: int) -> None:
        self.values[name] = value
        self.lines[name] = line
        self.unknown.discard(name)

    def _forget(self, name: str) -> None:
        self.values.pop(name, None)
        self.lines.pop(name, None)
        self.unknown.add(name)

    def _run_wild(self) -> None:
        """After a refused command: every variable is unknown until assigned."""
        self.values.clear()
        self.lines.clear()
        self.unknown.clear()
        self.wild = True


@functools.cache
def _parser() -> Any:
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_bash.language()))


def read_shell(text: bytes) -> ShellValues:
    """The values of ``text`` (a host's shell file), evaluated without
    running anything.  Linear in the size of the text."""
    tree = _parser().parse(text)
    out = ShellValues()
    statements = tree.root_node.children
    for index, node in enumerate(statements):
        kind = node.type
        if kind in ("comment", ";", "&", "|&", "\n"):
            continue
        following = statements[index + 1].type if index + 1 < len(statements) else ""
        if following in ("&", "|&"):
            _refuse(out, node, "runs in the background")
            out._run_wild()
            continue
        if node.has_error:
            _refuse(out, node, "not valid shell syntax")
            out._run_wild()
            continue
        if kind == "variable_assignment":
            _assign(node, out, node)
        elif kind == "declaration_command" and _is_export(node):
            for child in node.named_children:
                _assign(child, out, node)
        else:
            _refuse(out, node, _describe(node))
            if not _harmless(node):
                out._run_wild()
    return out


def _refuse(out: ShellValues, statement: Any, why: str) -> None:
    out.refusals.append(Refusal(statement.start_point[0] + 1,
                                _text(statement).split("\n", 1)[0], why))


def _text(node: Any) -> str:
    return str(node.text.decode("utf-8", "surrogateescape"))


def _is_export(node: Any) -> bool:
    """``export A=1 B=2``: assignments, and nothing else on the line."""
    first = node.children[0].type if node.children else ""
    return first == "export" and all(c.type == "variable_assignment" for c in node.named_children)


def _describe(node: Any) -> str:
    kind = node.type
    if kind == "command":
        names = [c for c in node.children if c.type == "command_name"]
        if any(c.type == "variable_assignment" for c in node.children):
            return ("an assignment in front of a command" if names else
                    "assignments with a redirection")
        if any(c.type.endswith("redirect") for c in node.children):
            return "a command with a redirection"
        name = _text(names[0]) if names else ""
        if name in ("source", ".", "eval"):
            return f"{name} runs other code"
        return "a command"
    return {
        "redirected_statement": "a redirection",
        "declaration_command": "a declaration (declare, local, readonly, typeset)",
        "unset_command": "unset",
        "function_definition": "a function",
        "pipeline": "a pipeline",
        "list": "a list of commands (&&, ||)",
        "subshell": "a subshell",
        "test_command": "a test",
        "negated_command": "a command",
    }.get(kind, f"a {kind.replace('_', ' ')}")


def _harmless(node: Any) -> bool:
    """A refused statement that cannot change a variable: a lone test
    (``[[ … ]]`` without substitutions).  Everything else may."""
    return node.type == "test_command" and not _has_code(node)


_CODE = frozenset({
    "command_substitution", "process_substitution", "arithmetic_expansion",
    "expansion",  # ${x:=y} assigns; ${x[$(cmd)]} runs
})


_SUBSTITUTIONS = {
    "command_substitution": "a command substitution",
    "process_substitution": "a process substitution",
    "arithmetic_expansion": "arithmetic",
}


def _find(nodes: Iterable[Any], kinds: Container[str]) -> str | None:
    """The first of ``kinds`` anywhere in ``nodes``."""
    stack = list(nodes)
    while stack:
        current = stack.pop()
        if current.type in kinds:
            return str(current.type)
        stack.extend(current.children)
    return None


def _has_code(node: Any) -> bool:
    return _find([node], _CODE) is not None


def _assign(node: Any, out: ShellValues, statement: Any) -> None:
    names = [c for c in node.children if c.type == "variable_name"]
    if not names:  # name[index]=value
        _refuse(out, statement, "an array element assignment")
        target = node.children[0].child_by_field_name("name") if node.children else None
        if target is not None:
            out._forget(_text(target))
        else:
            out._run_wild()
        return
    name = _text(names[0])
    append = any(c.type == "+=" for c in node.children)
    value_nodes = [c for c in node.children
                   if c.type not in ("variable_name", "=", "+=")]
    try:
        if substitution := _find(value_nodes, _SUBSTITUTIONS):
            raise _Unknown(_SUBSTITUTIONS[substitution])
        if value_nodes and value_nodes[0].type == "array":
            value: Value = _array(value_nodes[0], out)
        else:
            value = "".join(_word(v, out) for v in value_nodes)
    except _Unknown as why:
        _refuse(out, statement, str(why))
        out._forget(name)
        return
    if append:
        if not out.known(name):
            out._forget(name)
            return
        old = out.values.get(name, "")
        if isinstance(value, tuple) or isinstance(old, tuple):
            value = _as_tuple(old) + _as_tuple(value)
        else:
            value = old + value
    out._set(name, value, statement.start_point[0] + 1)


def _as_tuple(value: Value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def _array(node: Any, out: ShellValues) -> tuple[str, ...]:
    """``( a "b c" $d )``: unquoted expansions are split at blanks (IFS);
    a glob character outside quotes would match files: unknown."""
    items: list[str] = []
    for element in node.named_children:
        if element.type == "comment":
            continue
        if element.type in ("word", "number", "concatenation") and _unquoted_glob(element):
            raise _Unknown("a glob in an array")
        if element.type in ("simple_expansion", "expansion"):
            items.extend(_word(element, out).split())
        elif element.type == "concatenation" and any(
                c.type in ("simple_expansion", "expansion") for c in element.children):
            # word splitting of a partly quoted word: rare; not evaluated
            raise _Unknown("an unquoted expansion inside an array word")
        else:
            items.append(_word(element, out))
    return tuple(items)


def _unquoted_glob(node: Any) -> bool:
    if node.type in ("word", "number"):
        return bool(re.search(r"(?<!\\)[*?\[]", _text(node)))
    return any(_unquoted_glob(c) for c in node.children if c.type in ("word", "number"))


_UNQUOTED_ESCAPE = re.compile(r"\\(\n|.)", re.DOTALL)
_DQ_ESCAPE = re.compile(r'\\([$`"\\\n])')


def _word(node: Any, out: ShellValues) -> str:
    kind = node.type
    if kind in ("word", "number"):
        text = _text(node)
        if text.startswith("~"):
            raise _Unknown("a ~ (home directory) expansion")
        return _UNQUOTED_ESCAPE.sub(lambda m: "" if m[1] == "\n" else m[1], text)
    if kind == "raw_string":
        return _text(node)[1:-1]
    if kind in ("string", "translated_string"):
        return _string(node, out)
    if kind == "concatenation":
        return "".join(_word(c, out) for c in node.children)
    if kind == "ansi_c_string":
        return _ansi_c(_text(node)[2:-1])
    if kind in ("simple_expansion", "expansion"):
        return _expand(node, out)
    raise _Unknown({**_SUBSTITUTIONS, "brace_expression": "a brace expansion"}.get(
        kind, f"a {kind.replace('_', ' ')}"))


def _string(node: Any, out: ShellValues) -> str:
    """A double-quoted string.  The grammar leaves some of the literal
    text (newlines, blanks around expansions) between its children: the
    bytes between them are taken from the source."""
    parts = []
    data = node.text
    base = node.start_byte
    at = base
    for child in node.children:
        if child.start_byte > at:
            parts.append(_dq_literal(data[at - base:child.start_byte - base]))
        # The grammar counts the blanks in front of an expansion as part
        # of its ``${`` token.
        lead = len(child.text) - len(child.text.lstrip(b" \t"))
        if lead and child.type not in ("string_content", '"'):
            parts.append(child.text[:lead].decode())
        parts.append(_in_string(child, out))
        at = child.end_byte
    return "".join(parts)


def _dq_literal(raw: bytes) -> str:
    return _DQ_ESCAPE.sub(lambda m: "" if m[1] == "\n" else m[1],
                          raw.decode("utf-8", "surrogateescape"))


def _in_string(node: Any, out: ShellValues) -> str:
    kind = node.type
    if kind == '"' or kind == '$"':
        return ""
    if kind == "string_content":
        return _dq_literal(node.text)
    return _word(node, out)


_OPERATORS = (":-", "-", ":+", "+")


def _expand(node: Any, out: ShellValues) -> str:
    children = node.children
    names = [c for c in children if c.type == "variable_name"]
    if not names or (node.type == "simple_expansion" and len(children) != 2):
        raise _Unknown(f"the expansion {_text(node)!r}")
    name = _text(names[0])
    if not out.known(name):
        raise _Unknown(f"${name} is unknown")
    value = out.get(name) or ""
    if node.type == "simple_expansion":
        return value
    inner = [c for c in children if c.type not in ("${", "}")]
    if len(inner) == 1:
        return value
    operator = _text(inner[1])
    if operator not in _OPERATORS:
        raise _Unknown(f"the expansion {_text(node)!r}")
    word = "".join(_word(c, out) for c in inner[2:])
    is_set = name in out.values
    if operator == ":-":
        return value if value else word
    if operator == "-":
        return value if is_set else word
    if operator == ":+":
        return word if value else ""
    return word if is_set else ""


_ANSI = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
         "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)


def _ansi_c(body: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match[1]
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        if code in _ANSI:
            return _ANSI[code]
        raise _Unknown(f"the escape \\{code} in $'…'")

    return _ANSI_ESCAPE.sub(one, body)
