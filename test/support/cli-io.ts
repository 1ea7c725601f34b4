// A CliIo that keeps what a command prints, so CLI tests run commands in-process and read the output.
import type { CliIo } from '../../src/cli/io.js';

export interface RecordingIo extends CliIo {
  out: string;
  err: string;
}

export function recordingIo(env: Record<string, string> = {}, isTTY = false): RecordingIo {
  const io: RecordingIo = {
    out: '',
    err: '',
    env,
    isTTY,
    stdout: (text) => void (io.out += text),
    stderr: (text) => void (io.err += text),
  };
  return io;
}
