"""What a 2015 testing/mach_commands.py does with jobdef_mach: `mach test NAME...` resolves the names through
TEST_SUITES and dispatches mach_command(**kwargs). The dispatcher records instead of running a harness (the
machine is fake, the lookup is the module's). Reads one JSON request on stdin, prints one JSON reply."""

import json
import sys


def check_native(value, path):
    """Under Python 2, every string must be a native str, as in the hand-written TEST_SUITES."""
    if sys.version_info[0] >= 3:
        return []
    if isinstance(value, unicode):  # noqa: F821
        return [path]
    if isinstance(value, dict):
        return sum([check_native(k, path + ["<key>"]) + check_native(v, path + [k]) for k, v in value.items()], [])
    if isinstance(value, list):
        return sum([check_native(v, path + [str(i)]) for i, v in enumerate(value)], [])
    return []


def main():
    request = json.loads(sys.stdin.read())
    sys.path.insert(0, request["module_dir"])
    import jobdef_mach

    reply = {"python": "%d.%d" % sys.version_info[:2], "configs": {}}
    for branch, platform in request["configs"]:
        suites = jobdef_mach.test_suites(branch, platform, request["generated"])
        dispatched = {}
        for name in sorted(set(list(suites) + [a for e in suites.values() for a in e["aliases"]])):
            calls = []

            def dispatch(name, context=None, **kwargs):  # mach.registrar.dispatch's signature
                calls.append([name, kwargs])

            for suite in jobdef_mach.resolve(name, suites):
                entry = suites[suite]
                dispatch(entry["mach_command"], None, **entry["kwargs"])
            dispatched[name] = calls
        try:
            jobdef_mach.resolve(request["unknown"], suites)
            unknown = None
        except jobdef_mach.UnknownSuite as e:
            unknown = str(e)
        reply["configs"]["%s/%s" % (branch, platform)] = {
            "dispatched": dispatched,
            "legacy": jobdef_mach.legacy_test_suites(suites),
            "unknown": unknown,
            "not_native": check_native(suites, []),
        }
    print(json.dumps(reply, sort_keys=True))


main()
