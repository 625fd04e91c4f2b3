/**
 * A real buildbot (Debian's buildbot 3.x master and buildbot-worker) runs jobdef's builders. The master loads
 * integrations/buildbot/master.cfg over the compiled mozilla-central; one worker per chosen builder's slave platform
 * runs as a 2015 test slave, inside a simulated 2015 machine of its own (test/helpers/machine-host.ts: /tools,
 * adb and the emulator, basedir /builds/slave, so its test builds run in /builds/slave/test), and reaches the master
 * through a unix socket linked to the master's port. A 2015-style `buildbot sendchange` (the build's
 * https://ftp.mozilla.org URLs as the change's files; the machine serves the fake build there with a test CA's
 * certificate, which the slave trusts through SSL_CERT_FILE) starts one builder per platform family (linux, mac,
 * win, android). Each build checks out the tree (generated/ and the pinned 2015 mozharness at testing/mozharness)
 * from a local git repository, buildbot writes buildprops.json from the build's properties and changes, and the
 * step runs the real mozharness script under Python 2.7, which reads that buildprops.json to find the build,
 * downloads it and runs to the harness: the harness command must be the one the machine's own run of the same job
 * (buildbot's layout) records.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { compile } from "../src/compile.js";
import { escapeRegex } from "../src/emit/task-regex.js";
import { makeRepository } from "./helpers/checkout.js";
import { emittedJobs } from "./helpers/emitted-jobs.js";
import { emittedRun, normalisedHarness } from "./helpers/every-job.js";
import { machineUnavailable, runOnMachine } from "./helpers/machine-2015.js";
import { makeTestCa, runOnMachineHost } from "./helpers/machine-host.js";
import { Children, freePort, outputOf, readIfExists, waitFor } from "./helpers/processes.js";
import { REPO } from "./helpers/tree.js";

const BRANCH = "mozilla-central";
const FAMILIES = ["linux", "macosx", "windows", "android"] as const;
const PASSWORD = "jobdef-test";

interface Chosen {
  readonly os: string;
  readonly platform: string;
  readonly buildType: string;
  readonly label: string;
  readonly worker: string;
}

/** Per OS family: the first platform of that OS, its first build type, its first harness job's label. */
function chooseJobs(): { chosen: Chosen[]; files: readonly { readonly path: string; readonly content: string }[] } {
  const r = compile({ root: REPO, branches: [BRANCH], targets: ["buildbot", "mozharness"] });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.diagnostics));
  const branch = r.value.branches[0]!;
  const chosen = FAMILIES.map((os): Chosen => {
    const platform = branch.platforms.find((p) => p.spec.os === os);
    assert.ok(platform, `${BRANCH} runs a ${os} platform`);
    const job = branch.jobs.find((j) => j.platform === platform.name && j.harness !== undefined);
    assert.ok(job, `a harness job on ${platform.name}`);
    const worker = platform.spec.buildbot?.["slave-platform"] ?? platform.name;
    return { os, platform: platform.name, buildType: job.buildType, label: job.label, worker };
  });
  return { chosen, files: r.value.files };
}

/** The host 2015's builds uploaded to (https), which the machine serves the fake build from. */
const BUILD_HOST = "ftp.mozilla.org";
const INSTALLERS: Record<string, string> = {
  linux: "target.tar.bz2",
  macosx: "target.dmg",
  windows: "target.zip",
  android: "target.apk",
};

/** The build's URLs as its 2015 sendchange listed them: installer, tests zip, test packages. */
function buildUrls(c: Chosen): string[] {
  const dir = `https://${BUILD_HOST}/pub/firefox/tinderbox-builds/${BRANCH}-${c.platform}/1`;
  return [INSTALLERS[c.os]!, "target.tests.zip", "target.test_packages.json"].map((f) => `${dir}/${f}`);
}

/**
 * A worker's buildbot.tac as for a 2015 slave: basedir /builds/slave; it reaches the master through a unix socket
 * (the machine has a network of its own), which the test links to the master's port.
 */
function machineWorkerTac(tac: string, socket: string): string {
  return tac
    .replace(/^basedir = .*$/m, "basedir = '/builds/slave'")
    .replace(/^buildmaster_host = .*$/m, "buildmaster_host = None")
    .replace(/^port = .*$/m, "port = None")
    .replace(
      "proxy_connection_string=proxy_connection_string)",
      `proxy_connection_string=proxy_connection_string, connection_string=${JSON.stringify(`unix:path=${socket}`)})`,
    );
}

/** A unix socket whose connections go to the master's PB port on loopback. */
function linkToMaster(socket: string, port: number): Promise<Server> {
  const server = createServer((c) => {
    const m = connect(port, "127.0.0.1");
    c.pipe(m).pipe(c);
    c.on("error", () => m.destroy());
    m.on("error", () => c.destroy());
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

const BUILDS_SQL = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select bu.name, b.results, b.complete_at is not null, b.state_string from builds b join builders bu on b.builderid = bu.id").fetchall()
print(json.dumps(rows))
`;

test("a real buildbot master and workers on the 2015 machine run one builder per platform family, mozharness to the harness the machine's own run reaches", async (t) => {
  const why = machineUnavailable();
  assert.ok(!why, `the simulated 2015 machine needs: ${why}`);
  const { chosen, files } = chooseJobs();
  assert.equal(new Set(chosen.map((c) => c.worker)).size, chosen.length, "one worker (one machine) per family");
  const emitted = emittedJobs().filter((j) => j.scheduler === "buildbot" && j.branch === BRANCH);
  const machineJobs = chosen.map((c) => {
    const job = emitted.find((e) => e.label === c.label);
    assert.ok(job, `${c.label} is a mozharness builder of generated/buildbot/${BRANCH}.json`);
    return { ...emittedRun(job), id: c.label };
  });
  // the machine's own run of each job (buildbot's layout, its buildprops.json): the harness command to reach
  const reference = await runOnMachine(machineJobs);
  const tmp = mkdtempSync(join(tmpdir(), "jobdef-buildbot-run-"));
  const children = new Children();
  const links: Server[] = [];
  const stopWorkers = new AbortController();
  const workers: Promise<unknown>[] = [];
  const ended: string[] = [];
  try {
    const repository = join(tmp, "repository");
    makeRepository(repository, files);
    const ca = makeTestCa(tmp, [BUILD_HOST]);
    const port = await freePort();
    const env = {
      ...process.env,
      PYENV_VERSION: "2.7.18", // the worker's `python` is Python 2.7, as a 2015 test slave's
      PYTHONDONTWRITEBYTECODE: "1",
      JOBDEF_GENERATED: join(repository, "generated"),
      JOBDEF_REPOSITORY: repository,
      JOBDEF_BUILDBOT_PB_PORT: `tcp:${port}:interface=127.0.0.1`,
      JOBDEF_WORKER_PASSWORD: PASSWORD,
      // this master serves the chosen jobs only: buildbot takes ~0.3 s a builder to start here
      JOBDEF_LABELS: chosen.map((c) => escapeRegex(c.label)).join("|"),
    };
    // 1. the master, in the foreground so that it is our child to stop
    const master = join(tmp, "master");
    execFileSync("buildbot", ["create-master", "--quiet", master], { env });
    symlinkSync(join(REPO, "integrations", "buildbot", "master.cfg"), join(master, "master.cfg"));
    const masterProcess = children.start("buildbot", ["start", "--nodaemon", master], { env });
    const masterLog = join(master, "twistd.log");
    await waitFor("the master to start", 240, () =>
      /BuildMaster is running/.test(readIfExists(masterLog))
        ? true
        : masterProcess.exitCode === null
          ? undefined
          : fail(masterProcess),
    );
    // 2. one worker per slave platform, each a 2015 test slave: basedir /builds/slave of its own simulated machine,
    // which serves the build of its platform at the build's https://ftp.mozilla.org URLs
    mkdirSync(join(tmp, "workers"));
    chosen.forEach((c, i) => {
      const dir = join(tmp, "workers", c.worker);
      execFileSync("buildbot-worker", ["create-worker", "--quiet", dir, `127.0.0.1:${port}`, c.worker, PASSWORD], {
        env,
      });
      const socket = join(tmp, `pb-${i}.sock`);
      writeFileSync(
        join(dir, "buildbot.tac"),
        machineWorkerTac(readFileSync(join(dir, "buildbot.tac"), "utf8"), socket),
      );
      const machineJob = machineJobs[i]!;
      workers.push(
        linkToMaster(socket, port)
          .then((link) => {
            links.push(link);
            return runOnMachineHost(
              {
                build: { os: machineJob.os, testsZip: machineJob.testsZip ?? {} },
                https: ca,
                binds: [{ source: dir, target: SLAVE_DIR }],
                windowsDrives: c.os === "windows" ? [`${SLAVE_DIR}/test/build`] : [],
                commands: [["buildbot-worker", "start", "--nodaemon", SLAVE_DIR]],
                cwd: SLAVE_DIR,
                env: {
                  PATH: `/tools/bin:${process.env.PATH}`,
                  HOME: "/home/cltbld",
                  LANG: "C",
                  PYENV_VERSION: "2.7.18",
                  PYTHONDONTWRITEBYTECODE: "1",
                  SSL_CERT_FILE: ca.caFile, // the slave trusts the test CA the machine's ftp.mozilla.org serves with
                },
                output: join(tmp, `worker-${i}.log`),
                deadline: 900,
              },
              stopWorkers.signal,
            );
          })
          // a worker's machine ends only when stopped: before that, it failed
          .then(
            (r) => ended.push(`${c.worker}: ${JSON.stringify(r)}`),
            (e: Error) => ended.push(`${c.worker}: ${e.message}`),
          ),
      );
    });
    await waitFor("the workers to attach", 120, () =>
      ended.length > 0
        ? assert.fail(`the machine of worker ${ended[0]} ended before it attached`)
        : chosen.every((c) =>
              new RegExp(`Worker ${c.worker} attached|worker '${c.worker}' attaching`).test(readIfExists(masterLog)),
            )
          ? true
          : undefined,
    );
    // 3. each build announces itself as 2015's did: a change on <branch>-<platform>-<type>-unittest with its URLs
    for (const c of chosen) {
      const send = spawnSync(
        "buildbot",
        [
          "sendchange",
          "--master",
          `127.0.0.1:${port}`,
          "--auth",
          "change:changepw",
          "--who",
          "jobdef-test",
          "--branch",
          `${BRANCH}-${c.platform}-${c.buildType}-unittest`,
          "--property",
          `jobdef_labels:${c.label}`,
          ...buildUrls(c),
        ],
        { env, encoding: "utf8", timeout: 60_000 },
      );
      assert.equal(send.status, 0, send.stderr + send.stdout);
    }
    // 4. wait for the builds to finish
    const builds = await waitFor(
      "the builds to finish",
      600,
      () => {
        const q = spawnSync("python3", ["-c", BUILDS_SQL, join(master, "state.sqlite")], { encoding: "utf8" });
        const rows = q.status === 0 ? (JSON.parse(q.stdout) as [string, number | null, number, string][]) : [];
        return rows.length === chosen.length && rows.every((r) => r[2]) ? rows : undefined;
      },
      1000,
    );
    t.diagnostic(`builds: ${builds.map(([name, , , state]) => `${name}: ${state}`).join("; ")}`);
    // 5. what each build left in /builds/slave/test/build, and the harness its mozharness step reached
    const stdio = stepOutput(join(master, "state.sqlite"), "run-tests");
    for (const c of chosen) {
      const workDir = join(tmp, "workers", c.worker, "test", "build");
      const output = stdio[builderOf(builds, c)] ?? "";
      const props = JSON.parse(readFileSync(join(workDir, "buildprops.json"), "utf8"));
      assert.equal(props.properties.jobdef_label, c.label, "buildprops.json holds the build's properties");
      assert.equal(props.properties.buildername, builderOf(builds, c));
      const urls = props.sourcestamp.changes.at(-1).files.map((f: { name: string }) => f.name);
      assert.deepEqual(urls, [...buildUrls(c)].sort(), "and the change that started it, with the build's URLs");
      const record = readIfExists(join(workDir, "harness-argv.jsonl"));
      const runs = record.split("\n").filter(Boolean);
      assert.ok(runs.length > 0, `${c.label} reached no harness: ${firstError(output)}\n${output.slice(-3000)}`);
      const harness = (JSON.parse(runs.at(-1)!) as { argv: string[] }).argv.map((a) =>
        a
          .split(`${SLAVE_DIR}/test/build`)
          .join("<work>")
          .replace(/https:\/\/ftp\.mozilla\.org\/pub\/firefox\/tinderbox-builds\/[^/]+\/1/g, "<build>"),
      );
      const ref = reference.get(c.label)!;
      assert.ok(ref.ok, `the machine's run of ${c.label}: ${ref.error}\n${ref.log_tail}`);
      const expected = normalisedHarness(ref, "buildbot")?.map((a) => a.split("file://<build>").join("<build>"));
      assert.deepEqual(harness, expected, `${c.label}: the builder's harness command is the machine's run's`);
      const result = builds.find(([n]) => n === builderOf(builds, c))![1];
      assert.equal(result, 0, `${c.label}: the build succeeded:\n${output.slice(-3000)}`);
      t.diagnostic(`${c.os}: ${c.label} on worker ${c.worker}: harness ${harness.join(" ")}`);
    }
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\nmaster log:\n${readIfExists(join(tmp, "master", "twistd.log")).slice(-4000)}` +
        chosen.map((_, i) => `\nworker ${i}:\n${readIfExists(join(tmp, `worker-${i}.log`)).slice(-2000)}`).join(""),
    );
  } finally {
    stopWorkers.abort();
    await Promise.allSettled(workers);
    for (const link of links) link.close();
    await children.stopAll();
    if (!process.env.JOBDEF_TEST_KEEP) rmSync(tmp, { recursive: true, force: true });
  }
});

/** A 2015 test slave's buildbot basedir; its test builders' directory is `test` in it. */
const SLAVE_DIR = "/builds/slave";

const STEP_OUTPUT_SQL = `
import bz2, json, sqlite3, sys, zlib
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""select bu.name, lc.content, lc.compressed from logchunks lc join logs l on lc.logid = l.id
  join steps s on l.stepid = s.id join builds b on s.buildid = b.id join builders bu on b.builderid = bu.id
  where s.name = ? order by lc.first_line""", (sys.argv[2],)).fetchall()
out = {}
for name, content, compressed in rows:
    text = {0: lambda c: c, 1: zlib.decompress, 2: bz2.decompress}[compressed](content)
    out[name] = out.get(name, "") + (text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
print(json.dumps(out))
`;

/** Builder name -> what the step named \`step\` printed, from the master's database. */
function stepOutput(db: string, step: string): Record<string, string> {
  const q = spawnSync("python3", ["-c", STEP_OUTPUT_SQL, db, step], { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(q.status, 0, q.stderr);
  return JSON.parse(q.stdout);
}

function builderOf(builds: [string, ...unknown[]][], c: Chosen): string {
  return builds.find(([n]) => n.startsWith(`${c.platform} `))![0];
}

/** The line of a script's output that says why it stopped. */
function firstError(output: string): string {
  return (
    output
      .split("\n")
      .find((l) => /error|Error|no such option/.test(l))
      ?.trim() ?? output.slice(-200)
  );
}

function fail(child: { exitCode: number | null }): never {
  throw new Error(`exited ${child.exitCode}: ${outputOf(child as never)}`);
}
