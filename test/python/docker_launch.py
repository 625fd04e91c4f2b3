"""Inside a private mount namespace: lay out what docker-worker gives a task's container, then run its command.

A fresh tmpfs on /home (the image's home, /home/worker, exists for this task only), each cache directory bind-mounted
at its absolute mount point, then the payload's command (an argv) from the home directory with exactly the task's
environment, as `docker run` with the image's WORKDIR would.
"""
import json
import os
import subprocess
import sys


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    subprocess.check_call(["mount", "-t", "tmpfs", "tmpfs", "/home"])
    os.makedirs(spec["home"])
    for cache in spec["caches"]:
        os.makedirs(cache["mountPoint"], exist_ok=True)
        subprocess.check_call(["mount", "--bind", cache["dir"], cache["mountPoint"]])
    os.chdir(spec["home"])
    command = spec["command"]
    sys.stdout.flush()
    os.execvpe(command[0], command, spec["env"])


main()
