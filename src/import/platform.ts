/** A platform file drafted from a mozharness config: the OS guessed, worker values as placeholders to review. */
import type { Draft, Note } from "./draft.js";

/** The build types a drafted platform starts with (a placeholder to review). */
export const DRAFT_BUILD_TYPES = ["opt", "debug"] as const;

type Os = "linux" | "macosx" | "windows" | "android";

/** The OS a mozharness config is for, from its file name, else from its settings. */
export function guessOs(configPath: string, settings: Readonly<Record<string, unknown>>): Os {
  const base = configPath.replace(/^.*[\\/]/, "").toLowerCase();
  if (/android/.test(base)) return "android";
  if (/(^|[^a-z])(win|windows)/.test(base)) return "windows";
  if (/(^|[^a-z])(mac|macosx|osx)/.test(base)) return "macosx";
  if (/linux/.test(base)) return "linux";
  if (settings.exe_suffix === ".exe") return "windows";
  if (typeof settings.binary_path === "string" && settings.binary_path.includes(".app/")) return "macosx";
  return "linux";
}

/** `platforms/<name>.yml` carrying the mozharness settings. */
export function draftPlatform(name: string, configPath: string, settings: Readonly<Record<string, unknown>>): Draft {
  const os = guessOs(configPath, settings);
  const docker = os === "linux" || os === "android";
  const worker: Record<string, unknown> = {
    implementation: docker ? "docker-worker" : "generic-worker",
    provisioner: "aws-provisioner-v1",
    "worker-type": docker ? "desktop-test" : name,
  };
  if (docker) worker.image = "taskcluster/desktop-test:0.4.4";
  const notes: Note[] = [
    { path: ["os"], text: `guessed from ${configPath.replace(/^.*[\\/]/, "")}`, todo: true },
    { path: ["build-types"], text: "placeholder", todo: true },
    { path: ["worker", "provisioner"], text: "placeholder", todo: true },
    { path: ["worker", "worker-type"], text: "placeholder", todo: true },
  ];
  if (docker) notes.push({ path: ["worker", "image"], text: "placeholder", todo: true });
  const value: Record<string, unknown> = {
    description: `${name}, drafted from ${configPath.replace(/^.*[\\/]/, "")}`,
    os,
    "build-types": [...DRAFT_BUILD_TYPES],
    tags: os === "android" ? ["mobile"] : ["desktop"],
    treeherder: { machine: name },
    worker,
    mozharness: { settings },
  };
  return {
    kind: "platforms",
    name,
    header: [`Drafted by jobdef import from ${configPath}.`],
    value,
    notes,
  };
}
