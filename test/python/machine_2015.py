"""A simulated 2015 test machine that runs the real, unmodified 2015 mozharness scripts (Python 2.7).

Run it through test/helpers/machine-2015.ts: that starts it in private mount, network and PID namespaces
(`unshare`), so the machine can put its tools at the absolute paths the 2015 configs name (/tools/..., the
emulator console on localhost:5554) without touching the real machine, and nothing it starts outlives it.

Input (stdin): one JSON object {"machine": {...}, "jobs": [...]}; output (stdout): one JSON line per job, in order.
A job: {id, layout: "buildbot"|"taskcluster", mozharness_dir, script, argv, files: {path: text}, tests_zip:
{path: text}, buildprops: {...}|null, os: linux|macosx|windows|android}. Each job runs in a fresh work dir, bound at
the directory its layout used in 2015 (buildbot: /builds/slave/test; TaskCluster: /home/worker/checkouts/gecko, the
checkout run-task made), in a child forked from this process after mozharness's modules were imported once; the
child runs the script as __main__ (runpy) with the job's argv. Only the machine is fake: the tools below record
their arguments; mozharness itself is the snapshot's, never patched.

Reply: {id, ok, exit, harness: [argv of the recorded harness run] | null, env?, error?, log_tail?}.
"""
import ctypes
import json
import os
import runpy
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
import zipfile

CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
LIBC = ctypes.CDLL(None, use_errno=True)

SERVED_HOSTS = ["talos-remote.pvt.build.mozilla.org"]
BUILDBOT_DIR = "/builds/slave/test"
TASKCLUSTER_DIR = "/home/worker/checkouts/gecko"
DEADLINE_SECONDS = 120
HARNESS_RECORD = "harness-argv.jsonl"

# --- fake tools: each is a tiny program of the machine, never a piece of mozharness --------------------------------

SH = "#!/bin/sh\n"
PY = "#!%s\n" % sys.executable

# The virtualenv python: records every run whose script is a test harness, answers anything else quietly.
VENV_PYTHON = PY + r'''import json, os, sys
if sys.argv[1:2] and sys.argv[1].endswith("mozinstall-script.py"):  # Windows runs mozinstall through python
    sys.argv = sys.argv[1:]
    execfile(sys.argv[0])
    sys.exit(0)
here = os.path.dirname(os.path.abspath(__file__))
work = os.path.dirname(os.path.dirname(os.path.dirname(here)))
with open(os.path.join(work, "%s"), "a") as f:
    f.write(json.dumps({"argv": [os.path.abspath(__file__)] + sys.argv[1:], "cwd": os.getcwd(),
                        "env": dict((k, v) for k, v in os.environ.items() if k.startswith(("MOZ", "MINIDUMP", "DISPLAY")))}) + "\n")
if "--log-raw=-" in sys.argv:  # a structured log on stdout (wptrunner): only its JSON lines, a green run
    for message in ({"action": "suite_start", "tests": ["/a.html"]}, {"action": "test_start", "test": "/a.html"},
                    {"action": "test_end", "test": "/a.html", "status": "OK"}, {"action": "suite_end"}):
        print(json.dumps(dict(message, time=0, thread="main", pid=1, source="harness")))
    sys.exit(0)
# a green run, in the summary form of every 2015 harness (mozharness's output parsers look for these)
print("1 INFO Passed:  1\n2 INFO Failed:  0\n3 INFO Todo:  0")
print("REFTEST INFO | Successful: 1 (1 pass)\nREFTEST INFO | Unexpected: 0 (0 fail)\nREFTEST INFO | Known problems: 0 (0 skip)")
print("INFO | Passed: 1\nINFO | Failed: 0\ncppunittests INFO | Passed: 1\ncppunittests INFO | Failed: 0\nOK")
print("Passed: 1\nFailed: 0")  # jit_test.py's, at the start of a line
print("passed: 1\nfailed: 0\ntodo: 0")  # marionette's
''' % HARNESS_RECORD

# pip: installs nothing; `pip freeze` lists what desktop_unittest checks for.
VENV_PIP = SH + 'if [ "$1" = freeze ]; then echo mozInstall==1.12; echo mozprocess==0.22; fi\nexit 0\n'

# mozinstall, as the Linux and Mac virtualenvs run it (a shell program: the machine's tools cost little to start)
MOZINSTALL_SH = SH + r'''for a; do [ "$a" = -h ] && { echo "usage: mozinstall [--source] installer --destination DIR"; exit 0; }; done
dest=; src=
while [ $# -gt 0 ]; do
  case "$1" in --destination) dest=$2; shift ;; --app) shift ;; -*) ;; *) src=$1 ;; esac
  shift
done
case "$src" in *.zip) name=firefox.exe ;; *.dmg) name=Firefox.app/Contents/MacOS/firefox ;; *) name=firefox-bin ;; esac
mkdir -p "$dest/firefox/$(dirname "$name")" && : > "$dest/firefox/$name" && printf %s "$dest/firefox/$name"
'''

# mozinstall: "installs" the build by naming the binary a 2015 install would have produced.
MOZINSTALL = PY + r'''import os, sys
args = sys.argv[1:]
if "-h" in args:
    print("usage: mozinstall [--source] installer --destination DIR")
    sys.exit(0)
dest = args[args.index("--destination") + 1]
name = {".zip": "firefox.exe", ".dmg": "Firefox.app/Contents/MacOS/firefox"}.get(os.path.splitext(args[-3])[1], "firefox-bin")
binary = os.path.join(dest, "firefox", name)
if not os.path.isdir(os.path.dirname(binary)):
    os.makedirs(os.path.dirname(binary))
open(binary, "w").close()
sys.stdout.write(binary)
'''

# virtualenv.py: makes the virtualenv layout (bin/ as on Linux and Mac, scripts/ as the Windows configs name it).
VIRTUALENV = PY + r'''import os, shutil, sys
venv = sys.argv[-1]
tools = os.path.dirname(os.path.abspath(__file__))
for sub in ("bin", "scripts"):
    d = os.path.join(venv, sub)
    if not os.path.isdir(d):
        os.makedirs(d)
    for name, src in (("python", "venv-python"), ("pip", "venv-pip"), ("mozinstall", "mozinstall-sh"),
                      ("mozinstall-script.py", "mozinstall")):
        shutil.copy(os.path.join(tools, src), os.path.join(d, name))
    # what `activate_this.py` of a real virtualenv does for the script that executes it: its packages importable
    with open(os.path.join(d, "activate_this.py"), "w") as f:
        f.write("import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname("
                "os.path.abspath(__file__))), 'site-packages'))\n")
packages = os.path.join(venv, "site-packages")
if not os.path.isdir(packages):
    shutil.copytree(os.path.join(tools, "site-packages"), packages)
'''

# The virtualenv's mozlog, as far as mozharness's StructuredOutputParser imports it into mozharness's own process
# (web_platform_tests.py): the statuses of the log messages a harness writes with --log-raw=-.
MOZLOG = {
    "mozlog/__init__.py": "",
    "mozlog/structured/__init__.py": "from . import formatters, handlers, structuredlog\n",
    "mozlog/structured/structuredlog.py": (
        "def log_actions():\n"
        "    return set(['suite_start', 'suite_end', 'test_start', 'test_status', 'test_end', 'process_output',\n"
        "                'log', 'crash'])\n"),
    "mozlog/structured/formatters.py": (
        "class TbplFormatter(object):\n"
        "    def __call__(self, data):\n"
        "        return '%s | %s | %s' % (data['action'].upper(), data.get('test', ''), data.get('status', ''))\n"),
    "mozlog/structured/handlers.py": (
        "import collections\n"
        "Summary = collections.namedtuple('Summary', ['unexpected_statuses', 'expected_statuses',\n"
        "                                             'log_level_counts', 'action_counts'])\n"
        "class StatusHandler(object):\n"
        "    def __init__(self):\n"
        "        self.summary = Summary({}, {}, {}, {})\n"
        "    def __call__(self, data):\n"
        "        count = lambda d, k: d.__setitem__(k, d.get(k, 0) + 1)\n"
        "        count(self.summary.action_counts, data['action'])\n"
        "        if data['action'] == 'log':\n"
        "            count(self.summary.log_level_counts, data['level'])\n"
        "        if 'status' in data:\n"
        "            expected = 'expected' not in data\n"
        "            count(self.summary.expected_statuses if expected else self.summary.unexpected_statuses,\n"
        "                  data['status'])\n"
        "    def summarize(self):\n"
        "        return self.summary\n"),
}

# tooltool.py fetch -m MANIFEST: "fetches" every file the manifest names into the current directory (a Python
# program: the Windows configs run it with python.exe)
TOOLTOOL = PY + r'''import json, sys
args = sys.argv[1:]
if "-m" in args:
    with open(args[args.index("-m") + 1]) as f:
        for entry in json.load(f):
            open(entry["filename"], "w").close()
'''

# the same, as the Linux and Mac configs run it (directly: a shell program)
TOOLTOOL_SH = SH + r'''while [ $# -gt 0 ]; do [ "$1" = -m ] && manifest=$2; shift; done
[ -f "$manifest" ] && sed -n 's/.*"filename": *"\([^"]*\)".*/\1/p' "$manifest" | while read -r f || [ -n "$f" ]; do
  : > "$f"
  # the Android SDK unpacks with its adb
  case "$f" in android-sdk18*) mkdir -p android-sdk18/platform-tools && cp /tools/android-sdk18/platform-tools/adb android-sdk18/platform-tools/ ;; esac
done
exit 0
'''

# adb: one emulator, booted, that accepts every apk.
ADB = SH + r'''case "$*" in
  *devices*) printf 'List of devices attached\nemulator-5554\tdevice\n' ;;
  *getprop*) echo 1 ;;
  *install*) echo Success ;;
esac
exit 0
'''

FAKE_BIN = {"xset": SH + "exit 0\n", "emulator": SH + "exit 0\n"}


def write_exe(path, text):
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def mount(src, target, fstype, flags):
    if LIBC.mount(src, target, fstype, flags, None) != 0:
        raise OSError(ctypes.get_errno(), "mount %s on %s failed" % (src, target))


# --- the machine: a root with /tools and /builds, entered once ------------------------------------------------------

def build_root(base, more_hosts=()):
    """A new root: every top-level directory of / bound in, plus /tools, /builds and /home of the 2015 machine.
    `more_hosts`: more host names that resolve to this machine (besides SERVED_HOSTS)."""
    root = os.path.join(base, "root")
    os.makedirs(root)
    mount("none", root, "tmpfs", 0)
    for name in os.listdir("/"):
        src = os.path.join("/", name)
        if name in ("tools", "builds", "home") or name.startswith("."):
            continue
        if os.path.islink(src):
            os.symlink(os.readlink(src), os.path.join(root, name))
        elif os.path.isdir(src):
            os.mkdir(os.path.join(root, name))
            mount(src, os.path.join(root, name), None, MS_BIND | MS_REC)
    tools = os.path.join(root, "tools")
    os.makedirs(os.path.join(tools, "buildbot", "bin"))
    os.symlink(sys.executable, os.path.join(tools, "buildbot", "bin", "python"))
    write_exe(os.path.join(tools, "misc-python", "virtualenv.py"), VIRTUALENV)
    for name, text in (("venv-python", VENV_PYTHON), ("venv-pip", VENV_PIP), ("mozinstall", MOZINSTALL),
                       ("mozinstall-sh", MOZINSTALL_SH)):
        write_exe(os.path.join(tools, "misc-python", name), text)
    write_exe(os.path.join(tools, "tooltool.py"), TOOLTOOL_SH)
    for rel, text in MOZLOG.items():
        path = os.path.join(tools, "misc-python", "site-packages", rel)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "w") as f:
            f.write(text)
    write_exe(os.path.join(tools, "android-sdk18", "platform-tools", "adb"), ADB)
    for name, text in FAKE_BIN.items():
        write_exe(os.path.join(tools, "bin", name), text)
    os.makedirs(os.path.join(root, BUILDBOT_DIR.lstrip("/")))
    os.makedirs(os.path.join(root, TASKCLUSTER_DIR.lstrip("/")))
    os.makedirs(os.path.join(root, "home", "cltbld", ".android"))
    os.makedirs(os.path.join(root, "builds", "tooltool_cache"))
    # the download hosts of the 2015 configs resolve to this machine (a bind over the new root's /etc/hosts only)
    hosts = os.path.join(base, "hosts")
    with open(hosts, "w") as f:
        f.write("127.0.0.1 localhost %s\n" % " ".join(SERVED_HOSTS + list(more_hosts)))
    mount(hosts, os.path.join(root, "etc", "hosts"), None, MS_BIND)
    os.chroot(root)
    os.chdir("/")


def windows_tools(work):
    """A Windows slave's c:/mozilla-build, where the Windows configs' relative-looking paths find it on Linux."""
    mb = os.path.join(work, "c:", "mozilla-build")
    os.makedirs(os.path.join(mb, "python27"))
    # Windows finds c:/mozilla-build/python27/python as python.exe (PATHEXT); marionette's windows_config names it so
    for name in ("python.exe", "python"):
        os.symlink(sys.executable, os.path.join(mb, "python27", name))
    open(os.path.join(mb, "python27", "python27.dll"), "w").close()
    write_exe(os.path.join(mb, "buildbotve", "virtualenv.py"), VIRTUALENV.replace(
        "tools = os.path.dirname(os.path.abspath(__file__))", "tools = '/tools/misc-python'"))
    write_exe(os.path.join(mb, "tooltool.py"), TOOLTOOL)
    os.symlink("mozilla-build", os.path.join(work, "c:", "mozilla-build-upper"))
    os.symlink("c:", os.path.join(work, "C:"))


class DriveC(threading.Thread):
    """Windows' c: drive for a Windows job's commands. The Windows configs name c:/mozilla-build/..., which on this
    Linux machine resolve against each command's working directory: the work dir (where windows_tools put the drive)
    or mozharness's abs_work_dir `build/`. `build/` is deleted by the clobber action and made again by mozharness, so
    this watches the work dir (inotify) and gives each new `build/` the drive as soon as it appears."""

    IN_CREATE = 0x100

    def __init__(self, work):
        threading.Thread.__init__(self)
        self.daemon = True
        self.work = work
        self.stopped = False
        self.fd = LIBC.inotify_init()
        if self.fd < 0 or LIBC.inotify_add_watch(self.fd, work, self.IN_CREATE) < 0:
            raise OSError(ctypes.get_errno(), "inotify on %s" % work)
        self.link()

    def link(self):
        build = os.path.join(self.work, "build")
        if os.path.isdir(build):
            for name in ("c:", "C:"):
                if not os.path.lexists(os.path.join(build, name)):
                    os.symlink(os.path.join("..", name), os.path.join(build, name))

    def run(self):
        import select
        while not self.stopped:
            if select.select([self.fd], [], [], 0.2)[0]:
                os.read(self.fd, 4096)
                self.link()
        os.close(self.fd)

    def stop(self):
        self.stopped = True


class EmulatorConsole(threading.Thread):
    """The emulator's telnet console on localhost:5554: greets with OK and answers every command with OK."""

    def __init__(self, port):
        threading.Thread.__init__(self)
        self.daemon = True
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)

    def run(self):
        while True:
            conn, _ = self.sock.accept()
            try:
                conn.sendall("Android Console\r\nOK\r\n")
                data = ""
                while "quit" not in data:
                    chunk = conn.recv(1024)
                    if not chunk:
                        break
                    data += chunk
                    for _ in range(chunk.count("\n")):
                        conn.sendall("OK\r\n")
            except socket.error:
                pass
            conn.close()


class HttpServer(threading.Thread):
    """Port 80 of the hosts the 2015 configs download from (mapped to 127.0.0.1): serves files of one directory.
    With `tls` (certificate file, key file): HTTPS, e.g. on port 443 for a task's queue URLs."""

    def __init__(self, directory, port=80, tls=None):
        threading.Thread.__init__(self)
        self.daemon = True
        import BaseHTTPServer
        import SimpleHTTPServer

        class Handler(SimpleHTTPServer.SimpleHTTPRequestHandler):
            def translate_path(self, path):
                return os.path.join(directory, os.path.basename(path.split("?")[0]))

            def log_message(self, *args):
                pass

        self.server = BaseHTTPServer.HTTPServer(("127.0.0.1", port), Handler)
        if tls:
            import ssl
            self.server.socket = ssl.wrap_socket(self.server.socket, certfile=tls[0], keyfile=tls[1], server_side=True)

    def run(self):
        self.server.serve_forever()


def bring_loopback_up():
    import fcntl
    import struct
    s = socket.socket()
    ifreq = struct.pack("16sH14s", "lo", 0, "")
    flags = struct.unpack("16sH14s", fcntl.ioctl(s.fileno(), 0x8913, ifreq))[1]  # SIOCGIFFLAGS
    fcntl.ioctl(s.fileno(), 0x8914, struct.pack("16sH14s", "lo", flags | 1, ""))  # SIOCSIFFLAGS, IFF_UP
    s.close()


# --- the build: installer, tests zip, symbols, host utils ----------------------------------------------------------

INSTALLERS = {"linux": "target.tar.bz2", "macosx": "target.dmg", "windows": "target.zip", "android": "target.apk"}
# every directory a tests zip of 2015 had at its top, so each unzip filter finds what it asks for
# (cppunittests: an Android build's, where its in-tree config finds remotecppunittests.py)
ZIP_DIRS = ["bin", "certs", "modules", "mozbase", "config", "mochitest", "reftest", "jsreftest", "xpcshell",
            "cppunittest", "cppunittests", "jit-test", "mozmill", "marionette", "web-platform", "jetpack"]


MOZBASE = ["manifestparser", "mozfile", "mozlog", "mozinfo", "moznetwork", "mozhttpd", "mozcrash", "mozinstall",
           "mozdevice", "mozprofile", "mozprocess", "mozrunner"]

TRY_ARGUMENTS = """config = {
    '--tag': {'action': 'append', 'dest': 'test_tags', 'default': None},
}
"""

MINIDUMP_STACKWALK = {"linux32": "linux32-minidump_stackwalk", "linux64": "linux64-minidump_stackwalk",
                      "macosx64": "macosx64-minidump_stackwalk", "win32": "win32-minidump_stackwalk.exe"}


def write_zip(path, files):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in sorted(files.items()):
            z.writestr(name, text)


def make_build(directory, job):
    """The build's artifacts as its upload directory held them: installer, tests zip, packages list, symbols."""
    os.makedirs(directory)
    installer = INSTALLERS[job["os"]]
    if job["os"] == "android":
        write_zip(os.path.join(directory, installer), {"package-name.txt": "org.mozilla.fennec\n"})
        # Android builds uploaded the robocop APK beside the installer, where robocop jobs fetch it
        write_zip(os.path.join(directory, "robocop.apk"), {"AndroidManifest.xml": ""})
    else:
        with open(os.path.join(directory, installer), "w") as f:
            f.write("installer")
    tests = dict(("%s/README" % d, "") for d in ZIP_DIRS)
    # what the harness set-ups copy or name from the tests' bin/ (xpcshell, the js shell of jittest)
    for name in ("xpcshell", "xpcshell.exe", "js", "js.exe", "components/README", "plugins/README"):
        tests["bin/%s" % name] = ""
    # the requirements files of 2015's tests zips: the scripts install mozbase (and marionette) from them in one go
    tests["config/mozbase_requirements.txt"] = "".join("../mozbase/%s\n" % m for m in MOZBASE)
    tests["config/marionette_requirements.txt"] = "-r mozbase_requirements.txt\n../marionette/transport\n../marionette\n"
    # gecko's testing/config/mozharness/try_arguments.py: the try-syntax arguments mozharness understands
    tests["config/mozharness/try_arguments.py"] = TRY_ARGUMENTS
    # the build's tooltool manifests: where mozharness finds minidump_stackwalk for each platform
    for platform, name in MINIDUMP_STACKWALK.items():
        tests["config/tooltool-manifests/%s/releng.manifest" % platform] = json.dumps([{"filename": name}])
    tests.update(job.get("tests_zip", {}))
    write_zip(os.path.join(directory, "target.tests.zip"), tests)
    with open(os.path.join(directory, "target.test_packages.json"), "w") as f:
        json.dump({"common": ["target.tests.zip"]}, f)
    write_zip(os.path.join(directory, "target.crashreporter-symbols.zip"), {"README": ""})
    return installer


# --- one job --------------------------------------------------------------------------------------------------------

def prepare(job, scratch):
    """The job's work dir (outside the chroot's fixed paths, bound there by the child) and its build."""
    work = os.path.join(scratch, "work")
    os.makedirs(work)
    build = os.path.join(scratch, "build")
    installer = make_build(build, job)
    for rel, text in job.get("files", {}).items():
        path = os.path.join(work, rel)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "w") as f:
            f.write(text.encode("utf-8"))
    mh = os.path.join(work, job["mozharness_dir"])
    if not os.path.isdir(os.path.dirname(mh)):
        os.makedirs(os.path.dirname(mh))
    os.symlink(MOZHARNESS, mh)
    if job["os"] == "windows":
        windows_tools(work)
    urls = {
        "installer_url": "file://%s/%s" % (build, installer),
        "test_url": "file://%s/target.tests.zip" % build,
        "test_packages_url": "file://%s/target.test_packages.json" % build,
    }
    if job.get("buildprops") is not None:
        props = dict(job["buildprops"])
        props.setdefault("properties", {})
        # the build's sendchange of late 2015: installer, tests zip, test packages
        props["sourcestamp"] = {"changes": [{"files": [{"name": urls["installer_url"]},
                                                       {"name": urls["test_url"]},
                                                       {"name": urls["test_packages_url"]}],
                                             "comments": props["properties"].get("try_syntax", "")}]}
        with open(os.path.join(work, "buildprops.json"), "w") as f:
            json.dump(props, f)
    return work, urls


def substitute(argv, urls):
    """`{installer_url}`, `{test_url}` and `{test_packages_url}` in argv: the build's URLs, as the scheduler filled
    them in."""
    return [a.format(**urls) if "{" in a else a for a in argv]


def child(job, work, urls):
    """In the forked child: bind the work dir where the layout put it, then run the script as __main__."""
    if LIBC.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    mount("none", "/", None, MS_REC | MS_PRIVATE)
    target = BUILDBOT_DIR if job["layout"] == "buildbot" else TASKCLUSTER_DIR
    mount(work, target, None, MS_BIND)
    os.chdir(target)
    log = os.open(os.path.join(work, "..", "console.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.environ.clear()
    os.environ.update({"PATH": "/tools/bin:/usr/local/bin:/usr/bin:/bin", "HOME": "/home/worker",
                       "LANG": "C", "PYTHONDONTWRITEBYTECODE": "1"})
    os.environ.update(job.get("env", {}))
    script = os.path.join(target, job["mozharness_dir"], job["script"])
    sys.argv = [script] + substitute(job["argv"], urls)
    sys.path[0] = os.path.dirname(script)
    try:
        runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 70
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def tail(path, lines=25):
    try:
        with open(path) as f:
            return "".join(f.readlines()[-lines:])
    except IOError:
        return ""


def start_job(job, scratch):
    """Lays out the job's work dir and build, then forks the child that runs it; returns the child's pid and the
    job's c: drive watcher (Windows jobs)."""
    work, urls = prepare(job, scratch)
    drive = None
    if job["os"] == "windows":
        drive = DriveC(work)
        drive.start()
    pid = os.fork()
    if pid == 0:
        try:
            child(job, work, urls)
        finally:
            os._exit(71)
    return pid, drive


def reply_for(job, scratch, status, timed_out):
    """What the job did: its exit status and the last harness command the fake harness recorded."""
    code = None if timed_out else (os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status))
    record = os.path.join(scratch, "work", HARNESS_RECORD)
    runs = []
    if os.path.exists(record):
        with open(record) as f:
            runs = [json.loads(line) for line in f]
    reply = {"id": job["id"], "exit": code, "harness": runs[-1]["argv"] if runs else None,
             "harness_cwd": runs[-1]["cwd"] if runs else None, "harness_env": runs[-1]["env"] if runs else None,
             "harness_runs": len(runs)}
    if timed_out:
        reply["error"] = "deadline of %ss passed" % job.get("deadline", DEADLINE_SECONDS)
    elif not runs:
        reply["error"] = "the harness never ran (exit %s)" % code
    elif code != 0:
        reply["error"] = "the script exited %s after the harness ran" % code
    reply["ok"] = "error" not in reply
    if not reply["ok"]:
        reply["log_tail"] = tail(os.path.join(scratch, "console.log"))
    return reply


def run_jobs(jobs, base, parallel, keep):
    """Runs the jobs, `parallel` at a time (they mostly wait on their tools), and writes each reply when it ends."""
    pending = list(enumerate(jobs))
    running = {}  # pid -> (job, scratch, deadline, c: drive watcher or None)
    cpu = {}
    while pending or running:
        while pending and len(running) < parallel:
            i, job = pending.pop(0)
            scratch = os.path.join(base, "job-%d" % i)
            os.makedirs(scratch)
            pid, drive = start_job(job, scratch)
            running[pid] = (job, scratch, time.time() + job.get("deadline", DEADLINE_SECONDS), drive)
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        finished = []
        if pid:
            finished.append((pid, status, False))
            cpu[pid] = usage.ru_utime + usage.ru_stime
        else:
            now = time.time()
            for p, (job, scratch, deadline, _) in running.items():
                if now > deadline:
                    os.kill(p, signal.SIGKILL)
                    os.waitpid(p, 0)
                    finished.append((p, 0, True))
            if not finished:
                time.sleep(0.01)
        for p, status, timed_out in finished:
            if p not in running:
                continue  # a grandchild reparented to us (we are PID 1 of the namespace)
            job, scratch, _, drive = running.pop(p)
            if drive:
                drive.stop()
            reply = reply_for(job, scratch, status, timed_out)
            reply["cpu_seconds"] = round(cpu.pop(p, 0.0), 3)  # the job's, its tools' included
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
            if not keep:
                shutil.rmtree(scratch, ignore_errors=True)


def main():
    request = json.load(sys.stdin)
    global MOZHARNESS
    MOZHARNESS = request["machine"]["mozharness"]
    base = tempfile.mkdtemp(prefix="machine-2015-")
    try:
        mount("none", "/", None, MS_REC | MS_PRIVATE)
        if not request["machine"].get("keep"):
            mount("none", base, "tmpfs", 0)  # the jobs' files in memory: they are many and short-lived
        bring_loopback_up()
        serve = os.path.join(base, "serve")
        os.makedirs(serve)
        write_zip(os.path.join(serve, "tegra-host-utils.Linux.1109310.2.zip"), {"bin/README": "", "xre/README": ""})
        build_root(base)
    except (OSError, IOError) as e:
        sys.stdout.write(json.dumps({"fatal": "cannot build the simulated machine: %s" % e}) + "\n")
        sys.exit(3)
    EmulatorConsole(5554).start()
    HttpServer(serve).start()
    sys.path.insert(0, MOZHARNESS)
    # import the scripts' modules once; each child inherits them
    for name in request["machine"].get("preload", []):
        __import__(name)
    run_jobs(request["jobs"], base, request["machine"].get("parallel", 4), request["machine"].get("keep"))
    sys.stdout.flush()
    os._exit(0)  # the console and HTTP threads end with the process


if __name__ == "__main__":
    main()
