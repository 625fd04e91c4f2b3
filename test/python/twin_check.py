"""Reads Python twins back, in Python 2.7 (the mozharness of 2015) or 3: JSON-line requests {name, py, json} on
stdin, one reply per line: {ok} or {ok: false, error}. A twin must be one `config = <literal>` assignment (so no
string became code), and its config must equal the JSON twin's value: the same types (a Python 2 str holding ASCII
equals the unicode JSON gives), the same text in every string, mappings with the same keys.
"""
import ast
import json
import sys

PY2 = sys.version_info[0] == 2
TEXT = (str, unicode) if PY2 else (str,)  # noqa: F821 (unicode: Python 2)
INTEGER = (int, long) if PY2 else (int,)  # noqa: F821 (long: Python 2)


def text_of(s):
    if PY2 and isinstance(s, str):
        return s.decode("ascii")  # a byte string in a twin holds ASCII only
    return s


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, TEXT) and isinstance(b, TEXT):
        return text_of(a) == text_of(b)
    if isinstance(a, INTEGER) and isinstance(b, INTEGER):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        ka = sorted(text_of(k) for k in a)
        kb = sorted(text_of(k) for k in b)
        if ka != kb:
            return False
        bk = dict((text_of(k), v) for k, v in b.items())
        return all(same(v, bk[text_of(k)]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


def check(req):
    source = req["py"].encode("utf-8")  # as mozharness reads a .py config: the file's bytes
    tree = ast.parse(source, req["name"])
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], ast.Assign):
        return {"ok": False, "error": "not a single assignment"}
    targets = body[0].targets
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id != "config":
        return {"ok": False, "error": "does not assign config"}
    literal = ast.literal_eval(body[0].value)  # raises on anything but a literal
    namespace = {}
    # no builtins but the constants (names in Python 2): a twin that called anything would fail here
    constants = {"True": True, "False": False, "None": None}
    exec(compile(source, req["name"], "exec"), {"__builtins__": constants}, namespace)
    expected = json.loads(req["json"])
    if not same(literal, expected) or not same(namespace["config"], expected):
        return {"ok": False, "error": "config differs from the JSON twin: %r" % (namespace["config"],)}
    return {"ok": True}


while True:
    line = sys.stdin.readline()
    if not line:
        break
    try:
        reply = check(json.loads(line))
    except Exception as e:  # a twin that does not parse is a failure to report, not a crash
        reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
