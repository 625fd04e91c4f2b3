"""Builders for a buildbot 3.x master from jobdef's generated buildbot suite lists.

Reads every ``buildbot/<branch>.json`` under the generated directory (``$JOBDEF_GENERATED``, else the
repository's ``generated/`` next to this file's ``integrations/``) and makes one builder per branch, platform,
build type, suite and chunk, as buildbot-configs did: an entry with ``totalChunks: N`` becomes N builders that
pass ``--total-chunks N --this-chunk i``, and ``blob_upload`` adds ``--blob-upload-branch <branch>``.

``builder_specs()`` is plain data (no buildbot import), so anything can inspect what the master would run;
``buildbot_config()`` turns it into workers, builders and a force scheduler.
"""

import json
import os
from pathlib import Path

MOZHARNESS_DIR = "testing/mozharness"
PYTHON = "python"
BUILD_TYPES_KEY = "build_types"


def generated_dir():
    """The directory holding jobdef's output."""
    env = os.environ.get("JOBDEF_GENERATED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "generated"


def load_branches(generated=None):
    """Branch name -> the branch's buildbot config, for every ``buildbot/*.json`` (keys starting with ``$`` skipped)."""
    directory = Path(generated or generated_dir()) / "buildbot"
    if not directory.is_dir():
        raise FileNotFoundError(f"no generated buildbot configs in {directory}: run `jobdef compile --target buildbot`")
    branches = {}
    for path in sorted(directory.glob("*.json")):
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        branches[data["branch"]] = {k: v for k, v in data.items() if not k.startswith("$")}
    return branches


def job_label(platform, build_type, suite, chunk, chunks):
    """The jobdef label of one builder's job (SPEC: test-<platform>/<build-type>-<suite>[-<chunk>])."""
    base = f"test-{platform}/{build_type}-{suite}"
    return f"{base}-{chunk}" if chunks > 1 else base


def builder_specs(branches):
    """One dict per builder: name, worker, command, env, workdir, timeouts and the jobdef label it runs."""
    specs = []
    seen = {}
    for branch, config in sorted(branches.items()):
        for platform, pconfig in sorted(config["platforms"].items()):
            for build_type in pconfig[BUILD_TYPES_KEY]:
                for name, entry in pconfig.get(f"{build_type}_unittest_suites", []):
                    for spec in _entry_specs(branch, platform, build_type, pconfig, name, entry):
                        if spec["name"] in seen:
                            raise ValueError(f"two builders named {spec['name']!r}: {seen[spec['name']]} and {spec['label']}")
                        seen[spec["name"]] = spec["label"]
                        specs.append(spec)
    return specs


def _entry_specs(branch, platform, build_type, pconfig, name, entry):
    chunks = entry.get("totalChunks", 1)
    chunk_args = entry.get("chunk_args", "totalChunks" in entry)
    for chunk in range(1, chunks + 1):
        env = dict(entry.get("env", {}))
        if entry["use_mozharness"]:
            command = [PYTHON, "-u", f"{MOZHARNESS_DIR}/{entry['script_path']}"]
            for cfg in pconfig["suite_config"]["config_files"]:
                command += ["--cfg", cfg]
            command += entry.get("extra_args", [])
            if entry.get("blob_upload"):
                command += ["--blob-upload-branch", branch]
            if chunk_args:
                command += ["--total-chunks", str(chunks), "--this-chunk", str(chunk)]
            workdir = "."
        else:
            command = list(entry["command"])
            workdir = entry.get("cwd", ".")
            if chunks > 1:
                env.update({"THIS_CHUNK": str(chunk), "TOTAL_CHUNKS": str(chunks)})
        suffix = f"-{chunk}" if chunks > 1 else ""
        yield {
            "name": f"{platform} {branch} {build_type} test {name}{suffix}",
            "label": job_label(platform, build_type, entry["suite"], chunk, chunks),
            "branch": branch,
            "platform": platform,
            "build_type": build_type,
            "suite": entry["suite"],
            "chunk": chunk,
            "chunks": chunks,
            "worker": pconfig["slave_platform"],
            "use_mozharness": entry["use_mozharness"],
            "command": command,
            "env": env,
            "workdir": workdir,
            "max_time": entry.get("script_maxtime"),
            "timeout": entry.get("timeout", 1200),
        }


def buildbot_config(generated=None, worker_password=None):
    """Workers (one per slave platform), builders and a force scheduler for every generated branch."""
    from buildbot.plugins import schedulers, steps, util, worker

    password = worker_password or os.environ.get("JOBDEF_WORKER_PASSWORD", "change-me")
    specs = builder_specs(load_branches(generated))
    workers = [worker.Worker(name, password) for name in sorted({s["worker"] for s in specs})]
    builders = []
    for s in specs:
        command = list(s["command"])
        if s["use_mozharness"]:
            # the build to test comes with the build request, as buildbot's sendchange gave it
            command += ["--installer-url", util.Interpolate("%(prop:installer_url)s"),
                        "--test-packages-url", util.Interpolate("%(prop:test_packages_url)s")]
        factory = util.BuildFactory()
        factory.addStep(steps.ShellCommand(
            name="run-tests", command=command, workdir=s["workdir"], env=s["env"],
            timeout=s["timeout"], maxTime=s["max_time"], haltOnFailure=True,
        ))
        builders.append(util.BuilderConfig(
            name=s["name"], workernames=[s["worker"]], factory=factory,
            tags=[s["branch"], s["build_type"]] if s["branch"] != s["build_type"] else [s["branch"]],
            properties={"jobdef_label": s["label"], "jobdef_branch": s["branch"]},
        ))
    force = schedulers.ForceScheduler(name="force", builderNames=[b.name for b in builders])
    return {"workers": workers, "builders": builders, "schedulers": [force]}
