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
import posixpath
import re
from pathlib import Path

MOZHARNESS_DIR = "testing/mozharness"
PYTHON = "python"
# buildbot-configs' slavebuilddir of every test builder: with the slave's basedir /builds/slave, /builds/slave/test
TEST_BUILDER_DIR = "test"
BUILD_TYPES_KEY = "build_types"


def generated_dir():
    """The directory holding jobdef's output."""
    env = os.environ.get("JOBDEF_GENERATED")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "generated"


def load_branches(generated=None):
    """Branch name -> the branch's buildbot config, for every ``buildbot/*.json`` (keys starting with ``$`` skipped)."""
    directory = Path(generated or generated_dir()) / "buildbot"
    if not directory.is_dir():
        raise FileNotFoundError(f"no generated buildbot configs in {directory}: run `jobdef compile` (or `jobdef compile --branch B --target buildbot --out DIR`)")
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


def served_platforms():
    """The platforms this master serves (``$JOBDEF_PLATFORMS``, comma-separated), or None for all: 2015's test
    masters were split by platform in the same way."""
    env = os.environ.get("JOBDEF_PLATFORMS")
    return {p.strip() for p in env.split(",") if p.strip()} if env else None


def served_labels():
    """A regular expression (``$JOBDEF_LABELS``) the labels of this master's jobs fully match, or None for all: a
    master for trying a few jobs (adding builders to buildbot's database takes a while each)."""
    env = os.environ.get("JOBDEF_LABELS")
    return re.compile(env) if env else None


def builder_specs(branches, platforms=None, labels=None):
    """One dict per builder: name, worker, command, env, workdir, timeouts and the jobdef label it runs; only
    ``platforms`` and labels fully matching ``labels`` when given."""
    specs = []
    seen = {}
    for branch, config in sorted(branches.items()):
        for platform, pconfig in sorted(config["platforms"].items()):
            if platforms is not None and platform not in platforms:
                continue
            for build_type in pconfig[BUILD_TYPES_KEY]:
                for name, entry in pconfig.get(f"{build_type}_unittest_suites", []):
                    for spec in _entry_specs(branch, platform, build_type, pconfig, name, entry):
                        if labels is not None and not labels.fullmatch(spec["label"]):
                            continue
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
        # one chunk of a suite listed per chunk (Android's --test-suite mochitest-3): the entry says which
        job_chunk, job_chunks = entry.get("this_chunk", chunk), entry.get("total_chunks", chunks)
        yield {
            "name": f"{platform} {branch} {build_type} test {name}{suffix}",
            "label": job_label(platform, build_type, entry["suite"], job_chunk, job_chunks),
            "branch": branch,
            "platform": platform,
            "build_type": build_type,
            "suite": entry["suite"],
            "chunk": job_chunk,
            "chunks": job_chunks,
            "worker": pconfig["slave_platform"],
            "use_mozharness": entry["use_mozharness"],
            "command": command,
            "env": env,
            "workdir": workdir,
            "max_time": entry.get("script_maxtime"),
            "timeout": entry.get("timeout", 1200),
        }


def unittest_branch(branch, platform, build_type):
    """The change branch whose changes start a platform's tests, as buildbot-configs named it
    (``mozilla-central-linux64-opt-unittest``): the build's sendchange carried the installer and tests URLs as files."""
    return f"{branch}-{platform}-{build_type}-unittest"


def buildprops(props):
    """What 0.8's mozharness factory wrote to ``buildprops.json`` before the script ran: the build's properties and
    its source stamp with the changes that started it (their ``files`` are the build's URLs, which mozharness's
    ``read-buildbot-config`` action reads)."""
    build = props.getBuild()
    properties = {name: value for name, (value, _source) in props.asDict().items()}
    return {"properties": properties, "sourcestamp": {"changes": [_change(c.asChDict()) for c in build.allChanges()]}}


def _change(ch):
    """One change as 0.8's ``Change.asDict()`` gave it (the fields mozharness reads: ``files``, ``comments``)."""
    return {
        "number": ch["changeid"], "branch": ch["branch"], "revision": ch["revision"], "who": ch["author"],
        "comments": ch["comments"], "category": ch["category"], "repository": ch["repository"],
        "project": ch["project"], "files": [{"name": f} for f in sorted(ch["files"])],
        "properties": [[name, value, source] for name, (value, source) in sorted(ch["properties"].items())],
    }


def buildbot_config(generated=None, worker_password=None, repository=None):
    """Workers (one per slave platform), builders, and schedulers for every generated branch: per branch, platform
    and build type one listening to ``unittest_branch`` changes (a change property ``jobdef_labels``, labels
    separated by spaces, narrows it to those jobs' builders), and a force scheduler.

    ``repository`` (else ``$JOBDEF_REPOSITORY``) is a git repository of the tree the jobs run from (the compiled
    ``generated/`` and mozharness at ``testing/mozharness``); each build checks it out first. Without it the work
    directory must already hold that tree."""
    from buildbot.plugins import schedulers, steps, util, worker

    password = worker_password or os.environ.get("JOBDEF_WORKER_PASSWORD", "change-me")
    repository = repository or os.environ.get("JOBDEF_REPOSITORY")
    specs = builder_specs(load_branches(generated), served_platforms(), served_labels())
    # a 2015 test slave ran one build at a time, every test builder in the same directory: /builds/slave/test
    workers = [worker.Worker(name, password, max_builds=1) for name in sorted({s["worker"] for s in specs})]
    builders = []
    groups = {}
    for s in specs:
        factory = util.BuildFactory()
        if repository:
            # the change's branch routes it to a scheduler (2015's <branch>-<platform>-<type>-unittest), it is no
            # branch of the repository
            factory.addStep(steps.Git(name="checkout", repourl=repository, mode="full", method="clobber",
                                      branch=os.environ.get("JOBDEF_REPOSITORY_BRANCH", "main"),
                                      alwaysUseLatest=True, workdir="build", haltOnFailure=True))
        if s["use_mozharness"]:
            factory.addStep(steps.JSONStringDownload(util.renderer(buildprops), workerdest="buildprops.json",
                                                     workdir=_build_dir(s["workdir"]), name="buildprops.json"))
        factory.addStep(steps.ShellCommand(
            name="run-tests", command=s["command"], workdir=_build_dir(s["workdir"]), env=s["env"],
            timeout=s["timeout"], maxTime=s["max_time"], haltOnFailure=True,
        ))
        builders.append(util.BuilderConfig(
            name=s["name"], workernames=[s["worker"]], factory=factory, workerbuilddir=TEST_BUILDER_DIR,
            tags=[s["branch"], s["build_type"]] if s["branch"] != s["build_type"] else [s["branch"]],
            properties={"jobdef_label": s["label"], "jobdef_branch": s["branch"]},
        ))
        groups.setdefault(unittest_branch(s["branch"], s["platform"], s["build_type"]), {})[s["name"]] = s["label"]
    scheduler_list = [_unittest_scheduler(schedulers, branch, labels) for branch, labels in sorted(groups.items())]
    scheduler_list.append(schedulers.ForceScheduler(name="force", builderNames=[b.name for b in builders]))
    return {"workers": workers, "builders": builders, "schedulers": scheduler_list}


def _unittest_scheduler(schedulers, branch, labels):
    """A scheduler starting every builder of ``labels`` (builder name -> label) for a change on ``branch``, or only
    those whose label the change's ``jobdef_labels`` property lists."""
    from twisted.internet import defer

    class UnittestScheduler(schedulers.SingleBranchScheduler):
        def gotChange(self, change, important):
            wanted = change.properties.getProperty("jobdef_labels")
            names = [b for b in self.builderNames if not wanted or labels[b] in str(wanted).split()]
            if not names:
                return defer.succeed(None)
            return self.addBuildsetForChanges(reason=self.reason, changeids=[change.number], builderNames=names)

    return UnittestScheduler(name=f"tests-{branch}", branch=branch, treeStableTimer=None, builderNames=sorted(labels))


def _build_dir(workdir):
    """A job's working directory inside the build's checkout (``build``, buildbot's default)."""
    return posixpath.normpath(posixpath.join("build", workdir))
