"""The simulated 2015 machine (machine_2015.py) as the host of other programs: a worker and its tasks, a buildbot
worker and its builds. Instead of running mozharness jobs itself, it builds the same machine (its root with /tools
and /builds, the emulator console, port 80 of the 2015 download hosts), serves one fake build, bind-mounts what the
caller asks for and runs the caller's commands inside it, in order, as the machine's programs.

Run it through test/helpers/machine-host.ts, in private mount, network and PID namespaces. Input (stdin), one JSON
object:
  base: dir                              an empty directory for the machine's files (a tmpfs is mounted there)
  build: {os, tests_zip: {path: text}}   the build (machine_2015.make_build), served by file name on port 443 of the
                                         https hosts
  https: {cert, key, hosts: [...]}       TLS for the build's hosts (a certificate the caller's test CA signed)
  binds: [{source, target}]              directories bound into the machine (source: a path outside it)
  windows_drives: [dir]                  checkouts that get a Windows slave's c: drive as soon as they are made
  commands: [[argv...]...], cwd, env     run in order, each from cwd with exactly env; the first that fails stops
  output: path                           where the commands' stdout and stderr go
  deadline: seconds                      for all commands together; then the one running is killed
Output (stdout): one JSON line {exit, timed_out, commands_run} or {fatal}.
"""
import ctypes
import json
import os
import signal
import sys
import threading
import time

import machine_2015 as machine


class DriveWhenMade(threading.Thread):
    """A Windows slave's c: drive in `directory` as soon as a checkout is made there (run-task's clone, buildbot's
    Git step: once the directory holds something, so that a clone into it found it empty), and in each `build/`
    made under it (machine_2015.DriveC)."""

    def __init__(self, directory):
        threading.Thread.__init__(self)
        self.daemon = True
        self.directory = directory.encode("utf-8")  # bytes for libc
        parent = os.path.dirname(self.directory)
        if not os.path.isdir(parent):
            os.makedirs(parent)
        self.fd = machine.LIBC.inotify_init()
        if self.fd < 0 or machine.LIBC.inotify_add_watch(self.fd, parent, machine.DriveC.IN_CREATE) < 0:
            raise OSError(ctypes.get_errno(), "inotify on %s" % parent)

    def run(self):
        import select
        watched = False
        while not (os.path.isdir(self.directory) and os.listdir(self.directory)):
            if not watched and os.path.isdir(self.directory):
                watched = machine.LIBC.inotify_add_watch(self.fd, self.directory, machine.DriveC.IN_CREATE) >= 0
            if select.select([self.fd], [], [], 0.2)[0]:
                os.read(self.fd, 4096)
        os.close(self.fd)
        machine.windows_tools(self.directory)
        machine.DriveC(self.directory).start()


def run_commands(request):
    """Each command in a child of this process (PID 1 of the machine), until one fails or the deadline passes."""
    deadline = time.time() + request["deadline"]
    exit_code, commands_run = 0, 0
    for argv in request["commands"]:
        commands_run += 1
        pid = os.fork()
        if pid == 0:
            try:
                out = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
                os.dup2(out, 1)
                os.dup2(out, 2)
                os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
                os.chdir(request["cwd"])
                os.execvpe(argv[0], argv, request["env"])
            except OSError as e:
                os.write(2, "cannot run %s: %s\n" % (argv[0], e))
            finally:
                os._exit(127)
        status = wait_for(pid, deadline)
        if status is None:
            return {"exit": None, "timed_out": True, "commands_run": commands_run}
        exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
        if exit_code != 0:
            break
    return {"exit": exit_code, "timed_out": False, "commands_run": commands_run}


def wait_for(pid, deadline):
    """The child's wait status, reaping the orphans the machine inherits meanwhile; None when killed at the deadline."""
    while True:
        p, status = os.waitpid(-1, os.WNOHANG)
        if p == pid:
            return status
        if p:
            continue
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.01)


def main():
    request = json.load(sys.stdin)
    https = request.get("https")
    base = request["base"].encode("utf-8")  # an empty directory of the caller's, which it removes afterwards
    try:
        machine.mount("none", "/", None, machine.MS_REC | machine.MS_PRIVATE)
        machine.mount("none", base, "tmpfs", 0)
        machine.bring_loopback_up()
        serve = os.path.join(base, "serve")
        os.makedirs(serve)
        machine.write_zip(os.path.join(serve, "tegra-host-utils.Linux.1109310.2.zip"),
                          {"bin/README": "", "xre/README": ""})
        build = os.path.join(base, "build")
        machine.make_build(build, request["build"])
        machine.build_root(base, more_hosts=https["hosts"] if https else ())
        for bind in request.get("binds", []):
            source, target = bind["source"].encode("utf-8"), bind["target"].encode("utf-8")  # bytes for libc
            if not os.path.isdir(target):
                os.makedirs(target)
            machine.mount(source, target, None, machine.MS_BIND)
    except (OSError, IOError) as e:
        sys.stdout.write(json.dumps({"fatal": "cannot build the simulated machine: %s" % e}) + "\n")
        sys.exit(3)
    machine.EmulatorConsole(5554).start()
    machine.HttpServer(serve).start()
    if https:
        machine.HttpServer(build, 443, (https["cert"], https["key"])).start()
    for directory in request.get("windows_drives", []):
        DriveWhenMade(directory).start()
    result = run_commands(request)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # the servers' threads end with the process


if __name__ == "__main__":
    main()
