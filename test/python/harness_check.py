"""Answers test requests in one python3 process: one JSON request per input line, one JSON reply per output line.

ops:
  twin     {name, py, json}: the Python twin is literal-only (one `config = <literal>` assignment) and its config
           equals the JSON twin's value, types included.
  regex    {patterns: {key: regex}, labels: [..]}: for each key, the labels `re.fullmatch` accepts.
  command  {configs: {cfg path: local file}, in_tree: local file, argv, tests_dir, values}: the command
           desktop_unittest.py would run (harness options from the in-tree config, as 2015 mozharness read them).
"""
import ast
import json
import os
import re
import sys


def strict_equal(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return a == b


def check_twin(req):
    tree = ast.parse(req["py"], filename=req["name"])
    body = tree.body
    if len(body) != 1 or not isinstance(body[0], ast.Assign):
        return {"ok": False, "error": "not a single assignment"}
    targets = body[0].targets
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id != "config":
        return {"ok": False, "error": "does not assign config"}
    literal = ast.literal_eval(body[0].value)  # raises on anything but a literal
    namespace = {}
    exec(compile(tree, req["name"], "exec"), {"__builtins__": {}}, namespace)
    expected = json.loads(req["json"])
    if not strict_equal(literal, expected) or not strict_equal(namespace["config"], expected):
        return {"ok": False, "error": "config differs from the JSON twin", "python": namespace["config"]}
    return {"ok": True}


def check_regex(req):
    return {
        "ok": True,
        "matches": {k: [l for l in req["labels"] if re.fullmatch(p, l)] for k, p in req["patterns"].items()},
    }


def load_config(path):
    """mozharness's loader: a .py file is executed and its `config` taken; a .json file is parsed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".py"):
        namespace = {}
        exec(compile(text, path, "exec"), namespace)
        return namespace["config"]
    return json.loads(text)


# desktop_unittest.py options with a value that configure mozharness (downloads, uploads), not the harness
MOZHARNESS_VALUE_OPTIONS = ("--installer-url", "--test-packages-url", "--test-url", "--blob-upload-branch", "--download-symbols")
MOZHARNESS_FLAGS = ("--no-read-buildbot-config",)


def parse_argv(argv):
    """The mozharness options the schedulers pass; anything else is an extra argument."""
    opts = {"cfg": [], "suites": {}, "total_chunks": None, "this_chunk": None, "mozharness": {}, "extra": []}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--cfg":
            opts["cfg"] += argv[i + 1].split(",")
            i += 2
        elif re.fullmatch(r"--[a-z0-9-]+-suite", arg) and i + 1 < len(argv):
            opts["suites"][arg[2:-len("-suite")]] = argv[i + 1]
            i += 2
        elif arg in MOZHARNESS_FLAGS:
            opts["mozharness"][arg] = True  # read by mozharness itself (which actions run)
            i += 1
        elif arg in MOZHARNESS_VALUE_OPTIONS:
            opts["mozharness"][arg] = argv[i + 1]  # read by mozharness itself, not passed to the harness
            i += 2
        elif arg in ("--total-chunks", "--this-chunk"):
            opts[arg[2:].replace("-", "_")] = int(argv[i + 1])
            i += 2
        else:
            opts["extra"].append(arg)
            i += 1
    return opts


def assemble_command(req):
    opts = parse_argv(req["argv"])
    config = {}
    loaded = []
    for cfg in opts["cfg"]:
        local = req["configs"].get(cfg)
        if local is None:
            continue  # a mozharness repository config we do not have; the generated one comes last and wins
        config.update(load_config(local))  # mozharness merges --cfg files shallowly, later files winning
        loaded.append(cfg)
    if len(opts["suites"]) != 1:
        return {"ok": False, "error": "expected one --<harness>-suite option", "argv": req["argv"]}
    (category, suite), = opts["suites"].items()
    values = req["values"]
    definition = load_config(req["in_tree"])["suite_definitions"][category]
    run_file = os.path.join(req["tests_dir"], definition["testsdir"], config["run_file_names"][category])
    cmd = ["python", "-u", run_file]
    if opts["total_chunks"] and opts["this_chunk"]:
        cmd += ["--total-chunks", str(opts["total_chunks"]), "--this-chunk", str(opts["this_chunk"])]
    cmd += [o % values for o in definition["options"]]
    entry = config["all_%s_suites" % category][suite]
    env = {}
    if isinstance(entry, dict):
        env = entry.get("env", {})
        entry = entry["options"]
    cmd += [o % values for o in entry]
    cmd += opts["extra"]
    return {
        "ok": True,
        "command": cmd,
        "env": env,
        "loaded": loaded,
        "mozharness_options": opts["mozharness"],
        "unpack": config["minimum_tests_zip_dirs"] + config["specific_tests_zip_dirs"][category],
    }


OPS = {"twin": check_twin, "regex": check_regex, "command": assemble_command}

for line in sys.stdin:
    req = json.loads(line)
    try:
        reply = OPS[req["op"]](req)
    except Exception as e:  # reported to the test, which fails with the message
        reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
