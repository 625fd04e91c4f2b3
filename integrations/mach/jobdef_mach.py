"""mach's TEST_SUITES from jobdef's generated mach configs, for a 2015 ``testing/mach_commands.py``.

In 2015 ``mach test <what>`` looked ``<what>`` up in a hand-written ``TEST_SUITES`` dict (by suite name, then by
alias) and dispatched ``mach_command(**kwargs)``. This module builds that dict from
``generated/mach/<branch>/<platform>.json`` instead, so the suites mach knows are the suites CI runs::

    import jobdef_mach
    TEST_SUITES = jobdef_mach.test_suites()                  # this machine's platform, mozilla-central
    for suite in jobdef_mach.resolve(what, TEST_SUITES):
        entry = TEST_SUITES[suite]
        self._mach_context.commands.dispatch(entry['mach_command'], self._mach_context, **entry['kwargs'])

Where the files are: ``$JOBDEF_GENERATED``, else ``generated/`` of the checkout holding this file. Which file:
``$JOBDEF_MACH_BRANCH`` (default ``mozilla-central``) and ``$JOBDEF_MACH_PLATFORM`` (default: this machine's
platform, e.g. ``linux64``), or the arguments. Runs under Python 2.7 and 3; under 2.7 every string is a native
``str``, as the hand-written dict had them (mach and mozharness refuse ``unicode`` in places).
"""

import io
import json
import os
import struct
import sys

DEFAULT_BRANCH = "mozilla-central"
#: Keys of each entry that mach's ``test`` command reads; jobdef adds ``harness``, ``chunks`` and ``task_regex``.
MACH_KEYS = ("aliases", "mach_command", "kwargs")


class UnknownSuite(KeyError):
    """``mach test`` was given a name that is neither a suite nor an alias."""


def generated_dir():
    """The directory holding jobdef's output."""
    env = os.environ.get("JOBDEF_GENERATED")
    if env:
        return env
    return os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "generated")


def host_platform():
    """This machine's test platform as jobdef names it (mozinfo's os and bits)."""
    bits = struct.calcsize("P") * 8
    if sys.platform.startswith("linux"):
        return "linux64" if bits == 64 else "linux32"
    if sys.platform == "darwin":
        return "macosx64"
    if sys.platform in ("win32", "cygwin"):
        return "win64" if bits == 64 else "win32"
    raise ValueError("no jobdef test platform for %s" % sys.platform)


def config_path(branch=None, platform=None, generated=None):
    """``generated/mach/<branch>/<platform>.json`` for the arguments, the environment or this machine."""
    branch = branch or os.environ.get("JOBDEF_MACH_BRANCH") or DEFAULT_BRANCH
    platform = platform or os.environ.get("JOBDEF_MACH_PLATFORM") or host_platform()
    return os.path.join(generated or generated_dir(), "mach", branch, platform + ".json")


def _native(value):
    """Python 2: unicode from json -> str, recursively (Python 3: unchanged)."""
    if sys.version_info[0] >= 3:
        return value
    if isinstance(value, dict):
        return dict((_native(k), _native(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, unicode):  # noqa: F821 (Python 2 only)
        return value.encode("utf-8")
    return value


def test_suites(branch=None, platform=None, generated=None):
    """TEST_SUITES: suite -> {aliases, mach_command, kwargs, harness, chunks, task_regex}; ``$`` keys skipped."""
    path = config_path(branch, platform, generated)
    if not os.path.isfile(path):
        directory = os.path.dirname(os.path.dirname(path))
        raise IOError("no jobdef mach config %s: run `jobdef compile` (or `jobdef compile --branch B --target mach --out DIR`) (found: %s)"
                      % (path, ", ".join(_listing(directory)) or "nothing"))
    with io.open(path, encoding="utf-8") as f:
        data = json.load(f)
    return _native(dict((k, v) for k, v in data.items() if not k.startswith("$")))


def _listing(directory):
    out = []
    if os.path.isdir(directory):
        for branch in sorted(os.listdir(directory)):
            sub = os.path.join(directory, branch)
            if os.path.isdir(sub):
                out += ["%s/%s" % (branch, f[:-5]) for f in sorted(os.listdir(sub)) if f.endswith(".json")]
    return out


def resolve(what, suites):
    """The suites ``mach test`` runs for each name of ``what``: the suite of that name, else every suite with it
    as an alias (2015's rule). Raises UnknownSuite, naming the nearest names, for a name that is neither."""
    if isinstance(what, (str, type(u""))):
        what = [what]
    chosen = []
    for name in what:
        found = [name] if name in suites else sorted(s for s, e in suites.items() if name in e.get("aliases", []))
        if not found:
            raise UnknownSuite("%s is not a test suite or alias here; known: %s"
                               % (name, ", ".join(sorted(_names(suites)))))
        chosen += [s for s in found if s not in chosen]
    return chosen


def _names(suites):
    names = set(suites)
    for entry in suites.values():
        names.update(entry.get("aliases", []))
    return names


def mach_invocation(name, suites):
    """(mach_command, kwargs) pairs that ``mach test <name>`` dispatches, one per resolved suite."""
    return [(suites[s]["mach_command"], dict(suites[s]["kwargs"])) for s in resolve(name, suites)]


def legacy_test_suites(suites):
    """Only the keys 2015's TEST_SUITES had (aliases, mach_command, kwargs), for code that compares or prints it."""
    return dict((s, dict((k, e[k]) for k in MACH_KEYS if k in e)) for s, e in suites.items())
