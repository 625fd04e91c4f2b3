/** Test-side reading of the Windows command lines generic-worker runs: the decoder `jobdef parity` uses. */
export { decodeWindowsLine } from "../../src/windows-command-line.js";
